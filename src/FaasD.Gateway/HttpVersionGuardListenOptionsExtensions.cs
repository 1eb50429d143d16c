using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FaasD.Gateway;

public static class HttpVersionGuardListenOptionsExtensions
{
    /// <summary>
    /// Makes a listener answer 400 instead of Kestrel's 505 when a connection's first request line names another
    /// protocol than HTTP/1.0 or HTTP/1.1 (see <see cref="HttpVersionGuard"/>). Add it before anything else on a
    /// cleartext HTTP/1.x listener; a listener without HTTP/1 (prior-knowledge h2c only) has no request line to judge.
    /// </summary>
    public static ListenOptions UseHttpVersionGuard(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        if (!listen.Protocols.HasFlag(HttpProtocols.Http1))
        {
            return listen;
        }

        var limits = listen.KestrelServerOptions.Limits;
        var logger = listen.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger<HttpVersionGuard>();
        listen.Use(next => new HttpVersionGuard(next, limits, logger).OnConnectionAsync);
        return listen;
    }
}
