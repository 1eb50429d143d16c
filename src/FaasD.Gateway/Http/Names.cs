namespace FaasD.Gateway.Http;

/// <summary>
/// The gateway's own route rule. Name validation itself (function, namespace, secret) is shared with the
/// platform: <see cref="FaasD.Functions.Validation.Names"/>.
/// </summary>
internal static class RouteNames
{
    /// <summary>The route charset <c>[-a-zA-Z_0-9.]+</c> of <c>/function/{name}</c>.</summary>
    public static bool IsRouteName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
