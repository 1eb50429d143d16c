namespace FaasD.Gateway.Json;

/// <summary>
/// Writes times like Go's RFC 3339 with nanoseconds: UTC, <c>Z</c>, fraction without trailing zeros
/// (<c>2024-05-01T10:00:00.1234567Z</c>, <c>0001-01-01T00:00:00Z</c> for the zero time).
/// </summary>
internal sealed class Rfc3339TimeConverter : JsonConverter<DateTimeOffset>
{
    private const string Format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return Rfc3339.TryParse(text, out var value)
            ? value
            : throw new JsonException($"\"{text}\" is not an RFC 3339 time");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<char> buffer = stackalloc char[40];
        var utc = value.UtcDateTime;
        if (utc.TryFormat(buffer, out var written, Format, CultureInfo.InvariantCulture))
        {
            writer.WriteStringValue(buffer[..written]);
        }
        else
        {
            writer.WriteStringValue(utc.ToString(Format, CultureInfo.InvariantCulture));
        }
    }
}

/// <summary>Go's <c>time.Parse(time.RFC3339, s)</c>: date, <c>T</c>, time, optional fraction, and a zone (<c>Z</c> or ±hh:mm).</summary>
internal static class Rfc3339
{
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null || text.Length < 20 || text[10] != 'T')
        {
            return false;
        }

        var last = text[^1];
        var hasZone = last is 'Z' or 'z' || (text.Length >= 25 && text[^6] is '+' or '-' && text[^3] == ':');
        return hasZone && DateTimeOffset.TryParse(
            text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowWhiteSpaces, out value)
            && !text.Contains(' ', StringComparison.Ordinal);
    }
}
