namespace FaasD.Compose.Parsing;

/// <summary>
/// Compose's variable substitution in values: <c>${VAR}</c>, <c>$VAR</c>, <c>${VAR:-default}</c> (unset or empty),
/// <c>${VAR-default}</c> (unset), <c>${VAR:?message}</c> / <c>${VAR?message}</c> (required) and <c>$$</c> for a literal
/// <c>$</c>. An unset variable without a default becomes empty, as in docker compose. Keys are not substituted.
/// </summary>
internal static class Interpolation
{
    /// <summary>Substitutes every scalar value under <paramref name="node"/> in place.</summary>
    public static void Apply(YamlNode node, Func<string, string?> lookup)
    {
        switch (node)
        {
            case YamlScalarNode scalar when scalar.Value is { } value && value.Contains('$', StringComparison.Ordinal):
                scalar.Value = Substitute(value, lookup, YamlNodes.LineOf(scalar));
                break;
            case YamlMappingNode mapping:
                foreach (var entry in mapping.Children)
                {
                    Apply(entry.Value, lookup);
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children)
                {
                    Apply(item, lookup);
                }

                break;
        }
    }

    public static string Substitute(string text, Func<string, string?> lookup, int line)
    {
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '$' || i + 1 >= text.Length)
            {
                result.Append(c);
                i++;
                continue;
            }

            var next = text[i + 1];
            if (next == '$')
            {
                result.Append('$');
                i += 2;
            }
            else if (next == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    throw new ComposeException($"invalid interpolation \"{text}\": missing }}", line);
                }

                result.Append(Expand(text[(i + 2)..close], lookup, text, line));
                i = close + 1;
            }
            else if (IsNameStart(next))
            {
                var end = i + 1;
                while (end < text.Length && IsNameChar(text[end]))
                {
                    end++;
                }

                result.Append(lookup(text[(i + 1)..end]) ?? "");
                i = end;
            }
            else
            {
                result.Append(c);
                i++;
            }
        }

        return result.ToString();
    }

    private static string Expand(string expression, Func<string, string?> lookup, string text, int line)
    {
        var nameLength = 0;
        while (nameLength < expression.Length && IsNameChar(expression[nameLength]))
        {
            nameLength++;
        }

        var name = expression[..nameLength];
        if (name.Length == 0 || !IsNameStart(name[0]))
        {
            throw new ComposeException($"invalid interpolation \"{text}\": \"{expression}\" is not a variable name", line);
        }

        var value = lookup(name);
        var rest = expression[nameLength..];
        return rest switch
        {
            "" => value ?? "",
            _ when rest.StartsWith(":-", StringComparison.Ordinal) => string.IsNullOrEmpty(value) ? rest[2..] : value,
            _ when rest.StartsWith('-') => value ?? rest[1..],
            _ when rest.StartsWith(":?", StringComparison.Ordinal) => string.IsNullOrEmpty(value) ? throw Required(name, rest[2..], line) : value,
            _ when rest.StartsWith('?') => value ?? throw Required(name, rest[1..], line),
            _ => throw new ComposeException($"invalid interpolation \"{text}\": unsupported \"{rest}\" after {name}", line),
        };
    }

    private static ComposeException Required(string name, string message, int line) =>
        new($"variable {name} is required{(message.Length > 0 ? ": " + message : "")}", line);

    private static bool IsNameStart(char c) => c == '_' || char.IsAsciiLetter(c);

    private static bool IsNameChar(char c) => c == '_' || char.IsAsciiLetterOrDigit(c);
}
