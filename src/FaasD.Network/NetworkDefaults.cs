namespace FaasD.Network;

/// <summary>The shipped <c>cni/10-openfaas.conflist</c>, for installers and for hosts without the file.</summary>
public static class NetworkDefaults
{
    private const string ConfigListResource = "FaasD.Network.10-openfaas.conflist";

    /// <summary>Bridge <c>openfaas0</c>, 10.62.0.0/16, host-local IPAM in /var/run/cni, then the firewall plugin.</summary>
    public static string ConfigList { get; } = ReadResource(ConfigListResource);

    private static string ReadResource(string name)
    {
        using var stream = typeof(NetworkDefaults).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
