namespace FaasD.Compose.Running;

/// <summary>
/// What a service runs as: its definition plus the shared hosts/resolv.conf mounts, with the definition hash as a
/// label. Ports and the restart policy are not part of it: changing them must not re-create the container.
/// </summary>
internal sealed class ServiceSpecBuilder(ComposeOptions options)
{
    // containerd's (and docker's) default set: cap_add/cap_drop adjust it like docker does, rather than
    // replacing it as faasd does, so adding NET_ADMIN does not silently take CHOWN away.
    private static readonly string[] s_defaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    public ContainerSpec Build(ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var spec = new ContainerSpec
        {
            Namespace = options.Namespace,
            Id = service.Name,
            Image = service.Image,
            Args = ArgsOf(service),
            Env = service.Environment,
            User = service.User,
            Hostname = service.Name,
            Mounts = MountsOf(service),
            Capabilities = CapabilitiesOf(service),
        };
        return spec with
        {
            Labels = new Dictionary<string, string>
            {
                [ComposeLabels.Service] = service.Name,
                [ComposeLabels.DefinitionHash] = DefinitionHash.Of(spec),
            },
        };
    }

    /// <summary>
    /// entrypoint + command when entrypoint is set; command alone replaces the whole process (faasd's rule, as
    /// the image's entrypoint is not known here); neither keeps the image's own.
    /// </summary>
    private static IReadOnlyList<string>? ArgsOf(ServiceDefinition service) =>
        service.Entrypoint is not null ? [.. service.Entrypoint, .. service.Command ?? []] : service.Command;

    private List<BindMount> MountsOf(ServiceDefinition service)
    {
        var mounts = new List<BindMount> { new(options.ResolvedHostsFile, "/etc/hosts", ReadOnly: true) };
        if (File.Exists(options.ResolvedResolvConfFile))
        {
            mounts.Add(new BindMount(options.ResolvedResolvConfFile, "/etc/resolv.conf", ReadOnly: true));
        }

        mounts.AddRange(service.Volumes.Select(v => new BindMount(v.Source, v.Target, v.ReadOnly)));
        return mounts;
    }

    private static List<string>? CapabilitiesOf(ServiceDefinition service)
    {
        if (service.CapAdd.Count == 0 && service.CapDrop.Count == 0)
        {
            return null;
        }

        var set = new List<string>(service.CapDrop.Contains("ALL") ? [] : s_defaultCapabilities.Except(service.CapDrop));
        set.AddRange(service.CapAdd.Where(cap => cap != "ALL" && !set.Contains(cap)));
        return set;
    }
}
