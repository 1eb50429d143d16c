using Microsoft.Net.Http.Headers;

namespace FaasD.Watchdog.Functions;

/// <summary>
/// Request data as <c>Http_*</c> environment variables, named exactly as the Go watchdogs name them
/// (header names in Go's canonical form, <c>-</c> → <c>_</c>, first value only), since function code reads them.
/// </summary>
internal static class CgiEnvironment
{
    public static Dictionary<string, string> For(HttpRequest request, bool classic)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in request.Headers)
        {
            // Go keeps Host and Content-Length out of the header map of-watchdog walks; classic adds them below.
            if (values.Count == 0 || IsHost(name) || (!classic && IsContentLength(name)))
            {
                continue;
            }

            variables.TryAdd("Http_" + CanonicalHeaderName(name).Replace('-', '_'), values[0] ?? string.Empty);
        }

        variables["Http_Method"] = request.Method;
        if (request.QueryString.HasValue && request.QueryString.Value!.Length > 1)
        {
            variables["Http_Query"] = request.QueryString.Value[1..];
        }

        var path = request.PathBase.Add(request.Path).Value;
        if (!string.IsNullOrEmpty(path))
        {
            variables["Http_Path"] = path;
        }

        if (classic)
        {
            var chunked = request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase);
            variables["Http_ContentLength"] = chunked ? "-1" : (request.ContentLength ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
            variables["Http_Host"] = request.Host.Value ?? string.Empty;
        }

        return variables;
    }

    /// <summary>Go's textproto canonical form: first letter and each letter after '-' upper case, the rest lower.</summary>
    public static string CanonicalHeaderName(string name)
    {
        foreach (var c in name)
        {
            // Go leaves names with characters outside the token set untouched.
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return name;
            }
        }

        return string.Create(name.Length, name, static (span, source) =>
        {
            var upper = true;
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
                upper = c == '-';
            }
        });
    }

    private static bool IsHost(string name) => string.Equals(name, HeaderNames.Host, StringComparison.OrdinalIgnoreCase);

    private static bool IsContentLength(string name) => string.Equals(name, HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase);
}
