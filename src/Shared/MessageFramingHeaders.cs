namespace FaasD;

/// <summary>
/// Headers that frame one HTTP message on its connection (the hop-by-hop ones of RFC 9110 §7.6.1, and the length).
/// Whatever carries a function's or caller's headers into another message (a callback POST, a NATS message, an
/// in-process invocation) drops them: the client that sends the new message writes its own, and a stale copy would
/// contradict the new body. Linked as source, like AtomicFile.cs, so no layer depends on another for it.
/// </summary>
internal static class MessageFramingHeaders
{
    public static readonly string[] Names = ["Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"];
}
