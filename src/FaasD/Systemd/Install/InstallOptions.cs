namespace FaasD.Systemd.Install;

/// <summary>Where `faasd install` puts things; the defaults are the documented layout, tests point them elsewhere.</summary>
public sealed record InstallOptions
{
    public string BinaryPath { get; init; } = "/usr/local/bin/faasd";
    public string UnitDirectory { get; init; } = "/etc/systemd/system";
    public string CniConfDirectory { get; init; } = "/etc/cni/net.d";
    public string StateDirectory { get; init; } = "/var/lib/faasd";

    /// <summary>The binary to install; null means the running one.</summary>
    public string? SourceBinary { get; init; }

    /// <summary>Where faasd.service and 10-openfaas.conflist come from; null means the binary's own (<see cref="InstallAssets"/>).</summary>
    public string? AssetDirectory { get; init; }

    /// <summary>faasd is Type=notify: the wait covers its start until READY (the unit allows 120 s).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public string PasswordFile => Path.Combine(StateDirectory, "secrets", "basic-auth-password");
}
