namespace FaasD.Containerd.Interception;

/// <summary>A response stream whose failures arrive already translated (server-streaming and bidi calls).</summary>
internal sealed class TranslatingStreamReader<T>(IAsyncStreamReader<T> inner, Func<RpcException, CancellationToken, Exception> translate)
    : IAsyncStreamReader<T>
{
    public T Current => inner.Current;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        try
        {
            return await inner.MoveNext(cancellationToken);
        }
        catch (RpcException exception)
        {
            throw translate(exception, cancellationToken);
        }
    }
}

/// <summary>A request stream whose failures arrive already translated (client-streaming and bidi calls).</summary>
internal sealed class TranslatingStreamWriter<T>(IClientStreamWriter<T> inner, Func<RpcException, CancellationToken, Exception> translate)
    : IClientStreamWriter<T>
{
    public WriteOptions? WriteOptions
    {
        get => inner.WriteOptions;
        set => inner.WriteOptions = value;
    }

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public Task WriteAsync(T message, CancellationToken cancellationToken) => GuardAsync(inner.WriteAsync(message, cancellationToken), cancellationToken);

    public Task CompleteAsync() => GuardAsync(inner.CompleteAsync(), CancellationToken.None);

    private async Task GuardAsync(Task pending, CancellationToken cancellationToken)
    {
        try
        {
            await pending;
        }
        catch (RpcException exception)
        {
            throw translate(exception, cancellationToken);
        }
    }
}
