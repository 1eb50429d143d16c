using System.Net;

namespace FaasD.Gateway.Invoke;

/// <summary>
/// The one HTTP client for all function traffic: a tuned <see cref="SocketsHttpHandler"/> (no proxy, no redirects,
/// no decompression, no cookies, connect timeout, pooled connections) and the per-request forwarder settings.
/// </summary>
internal sealed class FunctionHttpClient : IDisposable
{
    public FunctionHttpClient(IOptions<GatewayOptions> options)
    {
        var value = options.Value;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = value.UpstreamConnectTimeout,
            PooledConnectionIdleTimeout = value.UpstreamPooledConnectionIdleTimeout,
            // No W3C trace headers injected into function requests by the client; the caller's pass through.
            ActivityHeadersPropagator = null,
        };
        Invoker = new HttpMessageInvoker(handler, disposeHandler: true);
        RequestConfig = new ForwarderRequestConfig
        {
            ActivityTimeout = value.UpstreamTimeout,
            // Watchdogs speak plain HTTP/1.1.
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            AllowResponseBuffering = false,
        };
    }

    public HttpMessageInvoker Invoker { get; }

    public ForwarderRequestConfig RequestConfig { get; }

    public void Dispose() => Invoker.Dispose();
}
