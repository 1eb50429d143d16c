namespace FaasD.Runtime.Oci;

/// <summary>Everything besides the <see cref="ContainerSpec"/> that decides a container's OCI spec.</summary>
internal sealed record OciSpecContext(
    ImageProcessConfig Image,
    ProcessUser User,
    string NetnsPath,
    string CgroupsPath,
    CgroupControllers AvailableControllers);

/// <summary>
/// Builds the runtime spec (config.json) runc runs: containerd's defaults, the image's process,
/// the caller's overrides, our network namespace and our cgroup path. Pure apart from logging.
/// </summary>
internal sealed partial class OciSpecBuilder(RuntimeOptions options, ILogger<OciSpecBuilder> logger)
{
    public OciSpec Build(ContainerSpec spec, OciSpecContext context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);

        var capabilities = spec.Capabilities ?? OciDefaults.Capabilities;
        return new OciSpec
        {
            Process = new OciProcess
            {
                User = new OciUser
                {
                    Uid = context.User.Uid,
                    Gid = context.User.Gid,
                    AdditionalGids = context.User.AdditionalGids.Count > 0 ? context.User.AdditionalGids : null,
                },
                Args = ArgsFor(spec, context.Image),
                Env = EnvironmentMerge.Merge([OciDefaults.DefaultPath], context.Image.Env, spec.Env),
                Cwd = WorkingDirectoryFor(spec, context.Image),
                Capabilities = new OciCapabilities { Bounding = capabilities, Effective = capabilities, Permitted = capabilities },
                Rlimits = [new OciRlimit("RLIMIT_NOFILE", options.OpenFilesLimit, options.OpenFilesLimit)],
                NoNewPrivileges = true,
            },
            Root = new OciRoot("rootfs", spec.ReadOnlyRootFilesystem),
            Hostname = string.IsNullOrEmpty(spec.Hostname) ? spec.Id : spec.Hostname,
            Mounts = MountsFor(spec),
            Linux = new OciLinux
            {
                Resources = ResourcesFor(spec, context.AvailableControllers),
                CgroupsPath = context.CgroupsPath,
                Namespaces =
                [
                    .. OciDefaults.NamespacesWithoutNetwork.Select(type => new OciNamespace(type)),
                    new OciNamespace("network", context.NetnsPath),
                ],
                MaskedPaths = OciDefaults.MaskedPaths,
                ReadonlyPaths = OciDefaults.ReadonlyPaths,
            },
            Annotations = spec.ShimGroup is { Length: > 0 } group ? new Dictionary<string, string> { [OciDefaults.ShimGroupAnnotation] = group } : null,
        };
    }

    private static IReadOnlyList<string> ArgsFor(ContainerSpec spec, ImageProcessConfig image)
    {
        // Docker semantics: explicit args replace both entrypoint and cmd.
        IReadOnlyList<string> args = spec.Args is { Count: > 0 } ? spec.Args : [.. image.Entrypoint, .. image.Cmd];
        if (args.Count == 0)
        {
            throw new RuntimeException(
                RuntimeErrorKind.InvalidArgument,
                $"container {spec.Id}: image {spec.Image} has no entrypoint or cmd and no args were given");
        }

        return args;
    }

    private static string WorkingDirectoryFor(ContainerSpec spec, ImageProcessConfig image)
    {
        var cwd = FirstNonEmpty(spec.WorkingDirectory, image.WorkingDir) ?? "/";
        if (!cwd.StartsWith('/'))
        {
            // runc rejects a relative cwd; say so now rather than at task start.
            throw new RuntimeException(RuntimeErrorKind.InvalidArgument, $"container {spec.Id}: working directory '{cwd}' is not absolute");
        }

        return cwd;
    }

    private static List<OciMount> MountsFor(ContainerSpec spec)
    {
        var mounts = new List<OciMount>(OciDefaults.Mounts);
        if (spec.ReadOnlyRootFilesystem)
        {
            mounts.Add(OciDefaults.WritableTmp);
        }

        foreach (var bind in spec.Mounts)
        {
            if (!bind.Destination.StartsWith('/'))
            {
                throw new RuntimeException(RuntimeErrorKind.InvalidArgument, $"container {spec.Id}: mount destination '{bind.Destination}' is not absolute");
            }

            // A caller's mount replaces a default one at the same place (e.g. its own /tmp).
            mounts.RemoveAll(m => m.Destination == bind.Destination);
            mounts.Add(new OciMount(bind.Destination, "bind", bind.Source, ["rbind", bind.ReadOnly ? "ro" : "rw"]));
        }

        return mounts;
    }

    private OciResources ResourcesFor(ContainerSpec spec, CgroupControllers available)
    {
        OciMemory? memory = null;
        if (spec.MemoryLimitBytes is { } limit)
        {
            if (available.HasFlag(CgroupControllers.Memory))
            {
                memory = new OciMemory(limit);
            }
            else
            {
                Log.LimitSkipped(logger, spec.Namespace, spec.Id, "memory", "memory");
            }
        }

        OciCpu? cpu = null;
        if (spec.CpuMillis is { } millis)
        {
            if (available.HasFlag(CgroupControllers.Cpu))
            {
                var period = options.CpuPeriodMicroseconds;
                // The kernel refuses quotas below 1 ms.
                cpu = new OciCpu(Math.Max(1000, millis * (long)period / 1000), period);
            }
            else
            {
                Log.LimitSkipped(logger, spec.Namespace, spec.Id, "cpu", "cpu");
            }
        }

        return new OciResources { Devices = OciDefaults.DeviceRules, Memory = memory, Cpu = cpu };
    }

    private static string? FirstNonEmpty(params string?[] values) =>
        values.FirstOrDefault(value => !string.IsNullOrEmpty(value));

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.LimitSkipped, Level = LogLevel.Warning,
            Message = "Container {Namespace}/{Id}: {Limit} limit not applied because the {Controller} cgroup controller is not available on this host")]
        public static partial void LimitSkipped(ILogger logger, string @namespace, string id, string limit, string controller);
    }
}
