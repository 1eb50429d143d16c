namespace FaasD.Network.Cni;

/// <summary>
/// How far an ADD through a list got: the last result a plugin returned, null before the first one answered.
/// <paramref name="save"/>, when given, makes that result durable before the next plugin runs, so a crash (not only a
/// failure) between two plugins still leaves DEL the prevResult it needs.
/// </summary>
internal sealed class CniAddProgress(Func<CniResult, CancellationToken, Task>? save = null)
{
    public CniResult? Result { get; private set; }

    internal void Record(CniResult result) => Result = result;

    internal Task SaveAsync(CancellationToken cancellationToken) =>
        save is not null && Result is not null ? save(Result, cancellationToken) : Task.CompletedTask;
}
