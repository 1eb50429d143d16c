namespace FaasD.Compose.Parsing;

/// <summary>
/// Splits a string <c>command:</c> into words the way a POSIX shell would without expanding anything
/// (quotes group, backslash escapes), as compose does: <c>sh -c 'echo hi'</c> → <c>sh</c>, <c>-c</c>, <c>echo hi</c>.
/// </summary>
internal static class CommandLineSplitter
{
    public static List<string> Split(string text, Func<string, Exception> error)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote == '\'')
            {
                if (c == '\'')
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (quote == '"')
            {
                if (c == '"')
                {
                    quote = null;
                }
                else if (c == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`')
                {
                    word.Append(text[++i]);
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                inWord = true;
                if (c is '\'' or '"')
                {
                    quote = c;
                }
                else if (c == '\\' && i + 1 < text.Length)
                {
                    word.Append(text[++i]);
                }
                else
                {
                    word.Append(c);
                }
            }
        }

        if (quote is not null)
        {
            throw error($"unterminated {quote} quote in '{text}'");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
