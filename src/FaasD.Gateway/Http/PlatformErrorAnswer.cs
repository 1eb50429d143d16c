namespace FaasD.Gateway.Http;

/// <summary>
/// Per-request exceptions to the default mapping of platform errors, set by a handler before it calls the platform
/// when the contract fixes the text of a not-found or the status of an already-exists (faasd's deploy: 400).
/// </summary>
internal sealed record PlatformErrorAnswer(int AlreadyExistsStatus = StatusCodes.Status409Conflict, string? NotFoundMessage = null)
{
    private static readonly object s_key = new();
    private static readonly PlatformErrorAnswer s_default = new();

    public static PlatformErrorAnswer For(HttpContext context) =>
        context.Items.TryGetValue(s_key, out var value) && value is PlatformErrorAnswer answer ? answer : s_default;

    public static void Set(HttpContext context, PlatformErrorAnswer answer) => context.Items[s_key] = answer;
}
