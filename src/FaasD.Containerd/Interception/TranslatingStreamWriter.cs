using Grpc.Core;

namespace FaasD.Containerd.Interception;

/// <summary>A request stream whose failures arrive already translated (client-streaming and bidi calls).</summary>
internal sealed class TranslatingStreamWriter<T> : IClientStreamWriter<T>
{
    private readonly IClientStreamWriter<T> _inner;
    private readonly Func<RpcException, CancellationToken, Exception> _translate;

    public TranslatingStreamWriter(IClientStreamWriter<T> inner, Func<RpcException, CancellationToken, Exception> translate)
    {
        _inner = inner;
        _translate = translate;
    }

    public WriteOptions? WriteOptions
    {
        get => _inner.WriteOptions;
        set => _inner.WriteOptions = value;
    }

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public async Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        try
        {
            await _inner.WriteAsync(message, cancellationToken);
        }
        catch (RpcException exception)
        {
            throw _translate(exception, cancellationToken);
        }
    }

    public async Task CompleteAsync()
    {
        try
        {
            await _inner.CompleteAsync();
        }
        catch (RpcException exception)
        {
            throw _translate(exception, CancellationToken.None);
        }
    }
}
