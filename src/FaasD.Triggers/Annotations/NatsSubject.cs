namespace FaasD.Triggers.Annotations;

/// <summary>NATS subject syntax: dot-separated non-empty tokens, no whitespace, <c>*</c> a whole token, <c>&gt;</c> only last.</summary>
internal static class NatsSubject
{
    public static string? Problem(string subject)
    {
        if (subject.Any(char.IsWhiteSpace))
        {
            return "it contains whitespace";
        }

        var tokens = subject.Split('.');
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (token.Length == 0)
            {
                return "it has an empty token";
            }

            if (token.Length > 1 && (token.Contains('*', StringComparison.Ordinal) || token.Contains('>', StringComparison.Ordinal)))
            {
                return "wildcards * and > must be whole tokens";
            }

            if (token == ">" && i != tokens.Length - 1)
            {
                return "> must be the last token";
            }
        }

        return null;
    }
}
