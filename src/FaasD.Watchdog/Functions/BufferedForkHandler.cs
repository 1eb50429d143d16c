using System.Text;

namespace FaasD.Watchdog.Functions;

/// <summary>
/// classic and serializing modes: fork per request, feed the body to stdin, collect all of stdout, then answer.
/// The two differ only in details the upstreams differ in (methods, stderr, timeout status, error body).
/// </summary>
internal sealed class BufferedForkHandler(WatchdogOptions options, FunctionOutput functionOutput, TimeProvider time, ILogger<BufferedForkHandler> logger)
    : IFunctionHandler
{
    private static readonly HashSet<string> s_classicMethods = new(StringComparer.OrdinalIgnoreCase) { "GET", "POST", "PUT", "PATCH", "DELETE" };

    private bool IsClassic => options.Mode == WatchdogMode.Classic;

    public async Task HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var response = context.Response;
        if (IsClassic && !s_classicMethods.Contains(request.Method))
        {
            await ResponseText.WriteAsync(response, StatusCodes.Status405MethodNotAllowed, "Method not allowed\n", cancellationToken);
            return;
        }

        var started = time.GetTimestamp();
        var environment = IsClassic && !options.CgiHeaders ? null : CgiEnvironment.For(request, IsClassic);
        await ForkPerRequest.RunAsync(
            context,
            options.Command,
            environment,
            options.ExecTimeout,
            logger,
            (process, execToken) => RunAsync(context, process, started, execToken, cancellationToken),
            cancellationToken);
    }

    private async Task RunAsync(HttpContext context, FunctionProcess process, long started, CancellationToken execToken, CancellationToken cancellationToken)
    {
        var response = context.Response;

        var output = new CapturedOutput();
        var stdout = output.CaptureAsync(process.StandardOutput, execToken);
        var stderr = IsClassic && options.CombineOutput
            ? output.CaptureAsync(process.StandardError, execToken)
            : functionOutput.ForwardStderrAsync(process.StandardError, execToken);
        var input = RequestBodyPump.CopyAsync(context.Request, process.StandardInput, options.ReadTimeout, time, process.Kill, execToken);

        try
        {
            await process.WaitForExitAsync(execToken);
            await Task.WhenAll(stdout, stderr).WaitAsync(execToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            Log.ExecTimeout(logger, options.ExecTimeout);
            var text = IsClassic ? "Killed process.\n" : $"Killed process: exec_timeout {options.ExecTimeout} exceeded\n";
            await WriteAsync(response, IsClassic ? StatusCodes.Status408RequestTimeout : StatusCodes.Status500InternalServerError, text, started, cancellationToken);
            return;
        }

        if (await input == BodyPumpResult.RequestBodyFailed)
        {
            Log.RequestBodyFailed(logger, options.ReadTimeout);
            await ResponseText.WriteAsync(response, StatusCodes.Status400BadRequest, "Could not read the request body\n", cancellationToken);
            return;
        }

        var elapsed = time.GetElapsedTime(started);
        if (process.ExitCode != 0)
        {
            Log.FunctionFailed(logger, process.ExitCode, elapsed);
            var text = $"exit status {process.ExitCode}\n";
            if (IsClassic)
            {
                var combined = output.ToText();
                if (options.CombineOutput)
                {
                    // stderr went into the buffer instead of the log; operators still need to see it.
                    await functionOutput.WriteStderrAsync(combined);
                }

                text += combined;
            }

            await WriteAsync(response, StatusCodes.Status500InternalServerError, text, started, cancellationToken);
            return;
        }

        if (options.WriteDebug)
        {
            Log.DebugOutput(logger, output.ToText());
        }

        response.StatusCode = StatusCodes.Status200OK;
        var contentType = options.ContentType ?? context.Request.ContentType;
        if (!string.IsNullOrEmpty(contentType))
        {
            response.ContentType = contentType;
        }

        response.Headers[ResponseText.DurationHeader] = ResponseText.FormatDuration(elapsed);
        response.ContentLength = output.Length;
        await output.CopyToAsync(response.Body, cancellationToken);
    }

    private Task WriteAsync(HttpResponse response, int statusCode, string text, long started, CancellationToken cancellationToken)
    {
        // Only serializing mode reports a duration on failures; the classic watchdog sets it on success only.
        if (!IsClassic)
        {
            response.Headers[ResponseText.DurationHeader] = ResponseText.FormatDuration(time.GetElapsedTime(started));
        }

        return ResponseText.WriteAsync(response, statusCode, text, cancellationToken);
    }

    /// <summary>stdout (and, with combine_output, stderr) gathered in arrival order.</summary>
    private sealed class CapturedOutput
    {
        private readonly MemoryStream _buffer = new();
        private readonly Lock _gate = new();

        public long Length => _buffer.Length;

        public async Task CaptureAsync(Stream source, CancellationToken cancellationToken)
        {
            var chunk = new byte[16 * 1024];
            try
            {
                int read;
                while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
                {
                    lock (_gate)
                    {
                        _buffer.Write(chunk, 0, read);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // Killed on timeout: the partial output is discarded by the caller anyway.
            }
        }

        public string ToText() => Encoding.UTF8.GetString(_buffer.GetBuffer(), 0, (int)_buffer.Length);

        public Task CopyToAsync(Stream destination, CancellationToken cancellationToken) =>
            destination.WriteAsync(_buffer.GetBuffer().AsMemory(0, (int)_buffer.Length), cancellationToken).AsTask();
    }
}
