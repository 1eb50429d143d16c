using System.Buffers;

namespace FaasD.Watchdog.Functions;

/// <summary>
/// streaming mode: fork per request and send stdout to the client as the function writes it, so large or slow
/// outputs never sit in memory. Once the first byte is out the status is fixed at 200; a later failure aborts
/// the connection (the client sees a truncated chunked response) instead of appending error text to the body.
/// </summary>
internal sealed class StreamingHandler(WatchdogOptions options, FunctionOutput functionOutput, TimeProvider time, ILogger<StreamingHandler> logger)
    : IFunctionHandler
{
    private const int BufferSize = 64 * 1024;

    public async Task HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        await ForkPerRequest.RunAsync(
            context,
            options.Command,
            CgiEnvironment.For(context.Request, classic: false),
            options.ExecTimeout,
            logger,
            (process, execToken) => RunAsync(context, process, execToken, cancellationToken),
            cancellationToken);
    }

    private async Task RunAsync(HttpContext context, FunctionProcess process, CancellationToken execToken, CancellationToken cancellationToken)
    {
        var response = context.Response;
        var started = time.GetTimestamp();

        var stderr = functionOutput.ForwardStderrAsync(process.StandardError, execToken);
        var input = RequestBodyPump.CopyAsync(context.Request, process.StandardInput, options.ReadTimeout, time, process.Kill, execToken);
        response.ContentType = options.ContentType;

        try
        {
            await CopyStdoutAsync(process.StandardOutput, response, execToken);
            await process.WaitForExitAsync(execToken);
            await stderr.WaitAsync(execToken);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            process.Kill();
            // IOException here means the client stopped reading; like a cancellation, nobody is left to answer.
            if (cancellationToken.IsCancellationRequested || e is IOException)
            {
                return;
            }

            Log.ExecTimeout(logger, options.ExecTimeout);
            await FailAsync(context, StatusCodes.Status500InternalServerError, $"Killed process: exec_timeout {options.ExecTimeout} exceeded\n", cancellationToken);
            return;
        }

        if (await input == BodyPumpResult.RequestBodyFailed)
        {
            Log.RequestBodyFailed(logger, options.ReadTimeout);
            await FailAsync(context, StatusCodes.Status400BadRequest, "Could not read the request body\n", cancellationToken);
            return;
        }

        if (process.ExitCode != 0)
        {
            Log.FunctionFailed(logger, process.ExitCode, time.GetElapsedTime(started));
            await FailAsync(context, StatusCodes.Status500InternalServerError, $"exit status {process.ExitCode}\n", cancellationToken);
        }
    }

    private static async Task CopyStdoutAsync(Stream stdout, HttpResponse response, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await stdout.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                // Kestrel flushes each write, which is what makes this streaming rather than buffering.
                await response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Task FailAsync(HttpContext context, int statusCode, string text, CancellationToken cancellationToken)
    {
        if (!context.Response.HasStarted)
        {
            return ResponseText.WriteAsync(context.Response, statusCode, text, cancellationToken);
        }

        Log.StreamAborted(logger);
        context.Abort();
        return Task.CompletedTask;
    }
}
