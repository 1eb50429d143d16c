namespace FaasD.Images.Distribution.Auth;

/// <summary>
/// One challenge from a <c>WWW-Authenticate</c> header (RFC 7235), e.g.
/// <c>Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"</c>.
/// </summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public string? Parameter(string name) => Parameters.TryGetValue(name, out var value) ? value : null;

    /// <summary>Every challenge in one header value (a header may carry several, separated by commas).</summary>
    public static IReadOnlyList<AuthChallenge> Parse(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var challenges = new List<AuthChallenge>();
        var position = 0;
        while (true)
        {
            SkipSeparators(header, ref position);
            var scheme = ReadToken(header, ref position);
            if (scheme.Length == 0)
            {
                return challenges;
            }

            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            while (TryReadParameter(header, ref position, out var name, out var value))
            {
                parameters[name] = value;
            }

            challenges.Add(new AuthChallenge(scheme, parameters));
        }
    }

    /// <summary>Reads <c>name=value</c> or <c>name="quoted \" value"</c>; leaves the position alone when the next token starts a new challenge.</summary>
    private static bool TryReadParameter(string header, ref int position, out string name, out string value)
    {
        var start = position;
        SkipSeparators(header, ref position);
        name = ReadToken(header, ref position);
        SkipSpaces(header, ref position);
        if (name.Length == 0 || position >= header.Length || header[position] != '=')
        {
            position = start;
            value = "";
            return false;
        }

        position++;
        SkipSpaces(header, ref position);
        value = position < header.Length && header[position] == '"' ? ReadQuoted(header, ref position) : ReadToken(header, ref position);
        return true;
    }

    private static string ReadQuoted(string header, ref int position)
    {
        var value = new StringBuilder();
        for (position++; position < header.Length; position++)
        {
            var c = header[position];
            if (c == '"')
            {
                position++;
                break;
            }

            if (c == '\\' && position + 1 < header.Length)
            {
                c = header[++position];
            }

            value.Append(c);
        }

        return value.ToString();
    }

    private static string ReadToken(string header, ref int position)
    {
        var start = position;
        while (position < header.Length && header[position] is not (' ' or '\t' or ',' or '=' or '"'))
        {
            position++;
        }

        return header[start..position];
    }

    private static void SkipSpaces(string header, ref int position)
    {
        while (position < header.Length && header[position] is ' ' or '\t')
        {
            position++;
        }
    }

    private static void SkipSeparators(string header, ref int position)
    {
        while (position < header.Length && header[position] is ' ' or '\t' or ',')
        {
            position++;
        }
    }
}
