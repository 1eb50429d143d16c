namespace FaasD.Gateway.Invoke;

/// <summary>
/// Splits <c>/function/{name}[.{namespace}][/{path}]</c>: the last '.' of the first segment separates the namespace,
/// and everything after the segment is the upstream path (<c>/function/f</c> → <c>/</c>, <c>/function/f/a/b/</c> → <c>/a/b/</c>).
/// Works on the raw request target so percent-encodings (<c>%2F</c> included) reach the function unchanged.
/// </summary>
internal readonly record struct InvokeTarget(string Name, string Namespace)
{
    public const string Prefix = "/function/";

    /// <summary>Queued calls (<c>/async-function/{name}[.{namespace}][/{path}]</c>) name their target the same way.</summary>
    public const string AsyncPrefix = "/async-function/";

    public static bool TryParse(ReadOnlySpan<char> path, string defaultNamespace, out InvokeTarget target) =>
        TryParse(path, Prefix, defaultNamespace, out target);

    public static bool TryParse(ReadOnlySpan<char> path, string prefix, string defaultNamespace, out InvokeTarget target)
    {
        target = default;
        if (!TrySplit(path, prefix, out var segment, out _) || !RouteNames.IsRouteName(segment))
        {
            return false;
        }

        var name = segment;
        var ns = ReadOnlySpan<char>.Empty;
        var dot = segment.LastIndexOf('.');
        if (dot >= 0)
        {
            name = segment[..dot];
            ns = segment[(dot + 1)..];
        }

        if (name.IsEmpty)
        {
            return false;
        }

        var @namespace = ns.IsEmpty || ns.SequenceEqual(defaultNamespace) ? defaultNamespace : FunctionNames.Get(ns);
        target = new InvokeTarget(FunctionNames.Get(name), @namespace);
        return true;
    }

    /// <summary>The path the function sees: what follows the name segment, or <c>/</c>.</summary>
    public static ReadOnlySpan<char> UpstreamPath(ReadOnlySpan<char> path, string prefix = Prefix) =>
        TrySplit(path, prefix, out _, out var rest) && rest.Length > 1 ? rest : "/";

    /// <summary>The request's path exactly as the client sent it (no query), or the decoded path for absolute-form targets.</summary>
    public static ReadOnlySpan<char> RawPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is not { Length: > 0 } || raw[0] != '/')
        {
            return context.Request.Path.Value;
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? raw : raw.AsSpan(0, query);
    }

    private static bool TrySplit(ReadOnlySpan<char> path, string prefix, out ReadOnlySpan<char> segment, out ReadOnlySpan<char> rest)
    {
        segment = rest = default;
        if (!path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var afterPrefix = path[prefix.Length..];
        var slash = afterPrefix.IndexOf('/');
        segment = slash < 0 ? afterPrefix : afterPrefix[..slash];
        rest = slash < 0 ? default : afterPrefix[slash..];
        return true;
    }
}
