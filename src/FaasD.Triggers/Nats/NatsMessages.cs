namespace FaasD.Triggers.Nats;

/// <summary>Maps a NATS message to a function call and the function's answer to a NATS reply.</summary>
internal static class NatsMessages
{
    /// <summary>The reply header that carries the function's HTTP status (NATS replies have no status of their own).</summary>
    public const string StatusHeader = "X-Function-Status";

    /// <summary>Set on a reply when the gateway (not the function) produced the status: not found, not ready …</summary>
    public const string ErrorHeader = "X-Function-Error";

    public const string ConnectorName = "faasd-nats";

    // Headers that describe the HTTP message itself: the invoker and the NATS client set their own.
    private static readonly HashSet<string> NotCopied = new(
        ["X-Topic", "X-Connector", .. MessageFramingHeaders.Names, "Host"], StringComparer.OrdinalIgnoreCase);

    public static InvocationRequest ToRequest(TriggerKey function, string subject, NatsHeaders? headers, byte[]? data)
    {
        var list = new List<KeyValuePair<string, string>>((headers?.Count ?? 0) + 2)
        {
            new("X-Topic", subject),
            new("X-Connector", ConnectorName),
        };
        if (headers is not null)
        {
            foreach (var (name, values) in headers)
            {
                if (NotCopied.Contains(name))
                {
                    continue;
                }

                foreach (var value in values)
                {
                    if (value is not null)
                    {
                        list.Add(new(name, value));
                    }
                }
            }
        }

        return new InvocationRequest
        {
            Namespace = function.Namespace,
            Name = function.Name,
            Method = "POST",
            Headers = list,
            Body = data ?? ReadOnlyMemory<byte>.Empty,
        };
    }

    public static NatsHeaders ToReplyHeaders(InvocationResponse response)
    {
        var headers = new NatsHeaders();
        foreach (var (name, value) in response.Headers)
        {
            if (NotCopied.Contains(name) || value.Contains('\r', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal))
            {
                continue;
            }

            headers[name] = headers.TryGetValue(name, out var existing) ? Microsoft.Extensions.Primitives.StringValues.Concat(existing, value) : value;
        }

        headers[StatusHeader] = response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (response.Reason is { } reason)
        {
            headers[ErrorHeader] = reason;
        }

        return headers;
    }
}
