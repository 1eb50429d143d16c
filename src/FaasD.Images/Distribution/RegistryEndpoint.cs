namespace FaasD.Images.Distribution;

/// <summary>
/// The base URL of a registry's distribution API. HTTPS unless the registry is on loopback (a local test or mirror
/// registry) or was explicitly configured as insecure: plain HTTP would let anyone on the path swap the image.
/// </summary>
public static class RegistryEndpoint
{
    public static Uri BaseUri(string registryHost, IReadOnlyCollection<string> insecureRegistries)
    {
        ArgumentException.ThrowIfNullOrEmpty(registryHost);
        ArgumentNullException.ThrowIfNull(insecureRegistries);
        var scheme = IsPlainHttp(registryHost, insecureRegistries) ? "http" : "https";
        return new Uri($"{scheme}://{registryHost}/");
    }

    public static bool IsPlainHttp(string registryHost, IReadOnlyCollection<string> insecureRegistries) =>
        IsLoopback(registryHost) || insecureRegistries.Contains(registryHost, StringComparer.OrdinalIgnoreCase)
        || insecureRegistries.Contains(HostWithoutPort(registryHost), StringComparer.OrdinalIgnoreCase);

    public static bool IsLoopback(string registryHost)
    {
        var host = HostWithoutPort(registryHost);
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary><c>127.0.0.1:5000</c> → <c>127.0.0.1</c>; <c>[::1]:5000</c> → <c>[::1]</c>.</summary>
    private static string HostWithoutPort(string registryHost)
    {
        if (registryHost.StartsWith('['))
        {
            var close = registryHost.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? registryHost[..(close + 1)] : registryHost;
        }

        var colon = registryHost.LastIndexOf(':');
        return colon > 0 ? registryHost[..colon] : registryHost;
    }
}
