using System.Collections.Concurrent;

namespace FaasD.Images.Tests.Integration.Support;

/// <summary>Records every registry request a pull makes, so tests can prove what was (not) fetched.</summary>
internal sealed class CountingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly ConcurrentQueue<(HttpMethod Method, string Path)> _requests = new();

    public IReadOnlyList<(HttpMethod Method, string Path)> Requests => _requests.ToArray();

    public int BlobGets => Requests.Count(request => request.Method == HttpMethod.Get && request.Path.Contains("/blobs/", StringComparison.Ordinal));

    public int ManifestGets => Requests.Count(request => request.Method == HttpMethod.Get && request.Path.Contains("/manifests/", StringComparison.Ordinal));

    public void Reset() => _requests.Clear();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _requests.Enqueue((request.Method, request.RequestUri!.AbsolutePath));
        return base.SendAsync(request, cancellationToken);
    }
}
