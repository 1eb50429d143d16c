using System.Net.Http.Headers;
using Microsoft.Net.Http.Headers;

namespace FaasD.Watchdog.Upstream;

/// <summary>Header copying between Kestrel and HttpClient, minus the hop-by-hop headers each hop owns itself.</summary>
internal static class ProxyHeaders
{
    private static readonly HashSet<string> s_hopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Connection, HeaderNames.KeepAlive, HeaderNames.ProxyAuthenticate, HeaderNames.ProxyAuthorization,
        HeaderNames.TE, HeaderNames.Trailer, HeaderNames.TransferEncoding, HeaderNames.Upgrade, "Proxy-Connection",
    };

    public static void CopyToUpstream(HttpRequest source, HttpRequestMessage target)
    {
        foreach (var (name, values) in source.Headers)
        {
            // Host names the watchdog, not the upstream; HttpClient derives the right one from the URL.
            if (s_hopByHop.Contains(name) || string.Equals(name, HeaderNames.Host, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!target.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                target.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        if (!source.Headers.ContainsKey("X-Forwarded-Host") && source.Host.HasValue)
        {
            target.Headers.TryAddWithoutValidation("X-Forwarded-Host", source.Host.Value);
        }
    }

    public static void CopyToClient(HttpResponseMessage source, HttpResponse target)
    {
        Copy(source.Headers, target);
        Copy(source.Content.Headers, target);
    }

    private static void Copy(HttpHeaders headers, HttpResponse target)
    {
        foreach (var (name, values) in headers)
        {
            if (!s_hopByHop.Contains(name))
            {
                target.Headers[name] = values.ToArray();
            }
        }
    }
}
