using System.Buffers;

namespace FaasD.Watchdog.Functions;

/// <summary>How feeding the request body to the function's stdin ended.</summary>
internal enum BodyPumpResult
{
    Completed,

    /// <summary>The function closed stdin early (EPIPE); normal for functions that ignore their input.</summary>
    FunctionStoppedReading,

    /// <summary>The client's body failed or did not arrive within <c>read_timeout</c>: an input error (400).</summary>
    RequestBodyFailed,

    Cancelled,
}

/// <summary>Copies the request body into stdin, then closes stdin so the function sees end of input.</summary>
internal static class RequestBodyPump
{
    private const int BufferSize = 64 * 1024;

    /// <param name="onRequestBodyFailed">Called when the body cannot be read, so the caller can stop a function
    /// that would otherwise wait for input until exec_timeout.</param>
    public static async Task<BodyPumpResult> CopyAsync(
        HttpRequest request, Stream stdin, TimeSpan readTimeout, TimeProvider time, Action onRequestBodyFailed, CancellationToken cancellationToken)
    {
        using var readDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        readDeadline.CancelAfter(readTimeout > TimeSpan.Zero ? readTimeout : Timeout.InfiniteTimeSpan);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await request.Body.ReadAsync(buffer.AsMemory(0, BufferSize), readDeadline.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return BodyPumpResult.Cancelled;
                    }

                    onRequestBodyFailed();
                    return BodyPumpResult.RequestBodyFailed;
                }

                if (read == 0)
                {
                    return BodyPumpResult.Completed;
                }

                try
                {
                    await stdin.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
                catch (IOException)
                {
                    return BodyPumpResult.FunctionStoppedReading;
                }
                catch (OperationCanceledException)
                {
                    return BodyPumpResult.Cancelled;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await CloseQuietlyAsync(stdin);
        }
    }

    private static async Task CloseQuietlyAsync(Stream stdin)
    {
        try
        {
            await stdin.DisposeAsync();
        }
        catch (IOException)
        {
            // Flushing into a pipe the function already closed.
        }
    }
}
