namespace FaasD.Invocation;

/// <summary>What a function answered, held in memory (bounded by the invoker's response limit).</summary>
public sealed class InvocationResponse
{
    public required int StatusCode { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>From sending the request to the end of the response body.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>One line when the gateway, not the function, produced the status (not found, not ready, unreachable).</summary>
    public string? Reason { get; init; }

    /// <summary>The value of a response header, or null (case-insensitive name).</summary>
    public string? Header(string name)
    {
        foreach (var (key, value) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
