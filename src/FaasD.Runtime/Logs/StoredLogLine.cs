using System.Text.Json.Serialization;

namespace FaasD.Runtime.Logs;

internal sealed record StoredLogLine(
    [property: JsonPropertyName("t")] DateTimeOffset Time,
    [property: JsonPropertyName("n")] string Name,
    [property: JsonPropertyName("ns")] string Namespace,
    [property: JsonPropertyName("i")] string Instance,
    [property: JsonPropertyName("m")] string Text)
{
    public static StoredLogLine From(LogLine entry) => new(entry.Timestamp, entry.Name, entry.Namespace, entry.Instance, entry.Text);

    public LogLine ToEntry() => new(Name, Namespace, Instance, Time, Text);
}

[JsonSerializable(typeof(StoredLogLine))]
internal sealed partial class LogJson : JsonSerializerContext;
