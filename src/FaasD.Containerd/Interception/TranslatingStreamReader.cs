using Grpc.Core;

namespace FaasD.Containerd.Interception;

/// <summary>A response stream whose failures arrive already translated (server-streaming and bidi calls).</summary>
internal sealed class TranslatingStreamReader<T> : IAsyncStreamReader<T>
{
    private readonly IAsyncStreamReader<T> _inner;
    private readonly Func<RpcException, CancellationToken, Exception> _translate;

    public TranslatingStreamReader(IAsyncStreamReader<T> inner, Func<RpcException, CancellationToken, Exception> translate)
    {
        _inner = inner;
        _translate = translate;
    }

    public T Current => _inner.Current;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        try
        {
            return await _inner.MoveNext(cancellationToken);
        }
        catch (RpcException exception)
        {
            throw _translate(exception, cancellationToken);
        }
    }
}
