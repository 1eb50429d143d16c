namespace FaasD.Network.Namespaces;

/// <summary>
/// Runs work that changes the calling OS thread's namespaces (unshare, setns) on a thread made for it alone.
/// The thread ends when the work returns, so no thread-pool thread is ever left in another network namespace,
/// and continuations are forced off it so the awaiting code never resumes inside the foreign namespace.
/// </summary>
internal static class DedicatedThread
{
    public static Task<T> RunAsync<T>(string name, Func<T> work)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                completion.SetResult(work());
            }
            catch (Exception e)
            {
                completion.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return completion.Task;
    }
}
