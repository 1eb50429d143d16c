namespace FaasD.Invocation;

/// <summary>One call of a function, built by a source that is not an HTTP request to the gateway.</summary>
public sealed class InvocationRequest
{
    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public string Method { get; init; } = "POST";

    /// <summary>What follows <c>/function/{name}</c>: empty, or starting with '/'. No query string.</summary>
    public string Path { get; init; } = "";

    /// <summary>The query string without '?', or empty.</summary>
    public string Query { get; init; } = "";

    /// <summary>Headers passed to the function as they are (hop-by-hop headers are dropped by the invoker).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public ReadOnlyMemory<byte> Body { get; init; }
}
