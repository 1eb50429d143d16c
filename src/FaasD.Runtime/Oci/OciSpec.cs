namespace FaasD.Runtime.Oci;

// The subset of the OCI runtime spec (config.json) that FaasD writes. Property names serialise in
// camelCase, which is the spec's own spelling for every field used here.

internal sealed record OciSpec
{
    public string OciVersion { get; init; } = "1.0.2-dev";
    public required OciProcess Process { get; init; }
    public required OciRoot Root { get; init; }
    public string? Hostname { get; init; }
    public required IReadOnlyList<OciMount> Mounts { get; init; }
    public required OciLinux Linux { get; init; }
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}

internal sealed record OciProcess
{
    public bool Terminal { get; init; }
    public required OciUser User { get; init; }
    public required IReadOnlyList<string> Args { get; init; }
    public required IReadOnlyList<string> Env { get; init; }
    public required string Cwd { get; init; }
    public required OciCapabilities Capabilities { get; init; }
    public IReadOnlyList<OciRlimit> Rlimits { get; init; } = [];
    public bool NoNewPrivileges { get; init; }
}

internal sealed record OciUser
{
    public uint Uid { get; init; }
    public uint Gid { get; init; }
    public IReadOnlyList<uint>? AdditionalGids { get; init; }
}

internal sealed record OciCapabilities
{
    public required IReadOnlyList<string> Bounding { get; init; }
    public required IReadOnlyList<string> Effective { get; init; }
    public required IReadOnlyList<string> Permitted { get; init; }
}

internal sealed record OciRlimit(string Type, ulong Hard, ulong Soft);

internal sealed record OciRoot(string Path, bool Readonly);

internal sealed record OciMount(string Destination, string Type, string Source, IReadOnlyList<string> Options);

internal sealed record OciLinux
{
    public required OciResources Resources { get; init; }
    public required string CgroupsPath { get; init; }
    public required IReadOnlyList<OciNamespace> Namespaces { get; init; }
    public required IReadOnlyList<string> MaskedPaths { get; init; }
    public required IReadOnlyList<string> ReadonlyPaths { get; init; }
}

internal sealed record OciNamespace(string Type, string? Path = null);

internal sealed record OciResources
{
    public required IReadOnlyList<OciDeviceRule> Devices { get; init; }
    public OciMemory? Memory { get; init; }
    public OciCpu? Cpu { get; init; }
}

internal sealed record OciDeviceRule(bool Allow, string Access);

internal sealed record OciMemory(long Limit);

internal sealed record OciCpu(long Quota, ulong Period);
