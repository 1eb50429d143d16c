namespace FaasD.Watchdog.Functions;

/// <summary>
/// The part every fork-per-request mode shares: start the function, answer 500 when it cannot start, bound the run
/// by exec_timeout, and kill the function whatever ends the request. Kept in one place so no mode can forget the
/// kill and leak a process per request.
/// </summary>
internal static class ForkPerRequest
{
    public static async Task RunAsync(
        HttpContext context,
        IReadOnlyList<string> command,
        IReadOnlyDictionary<string, string>? environment,
        TimeSpan execTimeout,
        ILogger logger,
        Func<FunctionProcess, CancellationToken, Task> run,
        CancellationToken cancellationToken)
    {
        FunctionProcess process;
        try
        {
            process = FunctionProcess.Start(command, environment);
        }
        catch (FunctionStartException e)
        {
            Log.StartFailed(logger, e.Message);
            await ResponseText.WriteAsync(context.Response, StatusCodes.Status500InternalServerError, e.Message + "\n", cancellationToken);
            return;
        }

        using (process)
        {
            using var exec = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (execTimeout > TimeSpan.Zero)
            {
                exec.CancelAfter(execTimeout);
            }

            try
            {
                // The run sees exec_timeout as a cancellation of its token; the request's own token tells the two apart.
                await run(process, exec.Token);
            }
            finally
            {
                // Whatever ended the request, no function may outlive it.
                process.Kill();
            }
        }
    }
}
