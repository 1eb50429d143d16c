namespace FaasD.Compose;

/// <summary>
/// The compose file cannot be used (bad YAML, unknown dependency, cycle, port clash ...). The message names the
/// file line or the service; the daemon logs it and runs functions without the services, it never crashes on it.
/// </summary>
public sealed class ComposeException : Exception
{
    public ComposeException(string message, int? line = null, string? service = null, Exception? inner = null)
        : base(Describe(message, line, service), inner)
    {
        Line = line;
        Service = service;
    }

    public ComposeException()
    {
    }

    public ComposeException(string message)
        : base(message)
    {
    }

    public ComposeException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>1-based line in the compose file, when the problem has one.</summary>
    public int? Line { get; }

    public string? Service { get; }

    private static string Describe(string message, int? line, string? service) =>
        (line, service) switch
        {
            ({ } l, { } s) => $"line {l}: service {s}: {message}",
            ({ } l, null) => $"line {l}: {message}",
            (null, { } s) => $"service {s}: {message}",
            _ => message,
        };
}
