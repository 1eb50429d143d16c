using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaasD.Queue.Model;

/// <summary>
/// A call as stored: in the embedded log and as a JetStream message body. Plain JSON (source-generated) so a
/// future daemon can still read what an older one wrote; unknown fields are ignored, new ones get defaults.
/// </summary>
internal sealed record QueuedCall
{
    [JsonPropertyName("callId")]
    public required string CallId { get; init; }

    [JsonPropertyName("namespace")]
    public required string Namespace { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("method")]
    public string Method { get; init; } = "POST";

    [JsonPropertyName("path")]
    public string Path { get; init; } = "";

    [JsonPropertyName("query")]
    public string Query { get; init; } = "";

    /// <summary>Pairs, in order, repeats allowed (a header sent twice stays twice).</summary>
    [JsonPropertyName("headers")]
    public List<string[]> Headers { get; init; } = [];

    [JsonPropertyName("body")]
    public byte[] Body { get; init; } = [];

    [JsonPropertyName("callbackUrl")]
    public string? CallbackUrl { get; init; }

    /// <summary>Unix milliseconds.</summary>
    [JsonPropertyName("acceptedAt")]
    public long AcceptedAt { get; init; }

    public string Key => Namespace + "/" + Name;

    /// <summary>The stored form, the same bytes for the embedded log and a JetStream message.</summary>
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, QueueJsonContext.Default.QueuedCall);

    /// <summary>
    /// Reads a stored call; null when the bytes are not one (torn, foreign or hand-written), which both queues
    /// answer by dropping the record rather than failing the queue.
    /// </summary>
    public static QueuedCall? TryParse(byte[]? utf8Json)
    {
        if (utf8Json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(utf8Json, QueueJsonContext.Default.QueuedCall);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static QueuedCall From(AsyncInvocation invocation)
    {
        var request = invocation.Request;
        return new QueuedCall
        {
            CallId = invocation.CallId,
            Namespace = request.Namespace,
            Name = request.Name,
            Method = request.Method,
            Path = request.Path,
            Query = request.Query,
            Headers = [.. request.Headers.Select(h => new[] { h.Key, h.Value })],
            Body = request.Body.ToArray(),
            CallbackUrl = invocation.CallbackUrl?.AbsoluteUri,
            AcceptedAt = invocation.AcceptedAt.ToUnixTimeMilliseconds(),
        };
    }
}

[JsonSerializable(typeof(QueuedCall))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class QueueJsonContext : JsonSerializerContext;
