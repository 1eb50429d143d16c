using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FaasD.Functions.Secrets;

namespace FaasD.Functions.Deployment;

/// <summary>Turns a deployment into what the runtime runs: env with fprocess, mounts for hosts/resolv/secrets, limits.</summary>
internal sealed class ContainerSpecFactory(FunctionPlatformOptions options, FileSecretStore secrets)
{
    public const string SecretsMountDir = "/var/openfaas/secrets";

    /// <summary>Shim groups are named this plus a number (containerd keeps them per namespace: a group's socket is per namespace).</summary>
    public const string ShimGroupPrefix = "faasd-functions-";

    public ContainerSpec Build(StoredDeployment deployment, string containerId)
    {
        var env = new List<string>();
        foreach (var (key, value) in deployment.EnvVars ?? [])
        {
            env.Add($"{key}={value}");
        }

        if (!string.IsNullOrEmpty(deployment.EnvProcess))
        {
            env.Add($"fprocess={deployment.EnvProcess}");
        }

        var mounts = new List<BindMount>
        {
            new(options.HostsFile, "/etc/hosts", ReadOnly: true),
            new(options.ResolvConfFile, "/etc/resolv.conf", ReadOnly: true),
        };
        foreach (var secret in deployment.Secrets ?? [])
        {
            // A copy owned by the image's user (0400), so a function running as uid 1000 reads it and no one else can.
            mounts.Add(new BindMount(secrets.PathOf(deployment.Namespace, secret), $"{SecretsMountDir}/{secret}", ReadOnly: true, OwnedByProcessUser: true));
        }

        var labels = new Dictionary<string, string>(deployment.Labels ?? []);
        foreach (var (key, value) in deployment.Annotations ?? [])
        {
            labels[ContainerNaming.AnnotationPrefix + key] = value;
        }

        labels[ContainerNaming.FunctionLabel] = deployment.Name;
        labels[ContainerNaming.GenerationLabel] = deployment.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture);

        return new ContainerSpec
        {
            Namespace = deployment.Namespace,
            Id = containerId,
            Image = deployment.Image,
            Env = env,
            Hostname = deployment.Name,
            Labels = labels,
            Payload = deployment.Serialize(),
            Mounts = mounts,
            MemoryLimitBytes = deployment.LimitMemory is { Length: > 0 } memory ? Quantity.ParseMemoryBytes(memory) : null,
            CpuMillis = deployment.LimitCpu is { Length: > 0 } cpu ? Quantity.ParseCpuMillis(cpu) : null,
            ReadOnlyRootFilesystem = deployment.ReadOnlyRootFilesystem,
            ShimGroup = ShimGroupOf(deployment.Name, options.SharedShims),
        };
    }

    /// <summary>
    /// The shim group of a function: the same for every replica and generation of it, in every daemon and after every
    /// restart (a SHA-256 of the name, as the netns pool names its state directory, not the per-process randomised
    /// string hash); null when shims are not shared.
    /// </summary>
    internal static string? ShimGroupOf(string function, int groups) =>
        groups <= 0
            ? null
            : ShimGroupPrefix + (BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(function))) % (uint)groups)
                .ToString(CultureInfo.InvariantCulture);

    /// <summary>Everything about a request that can be refused before any container is touched (400s).</summary>
    public void Validate(FunctionSpec spec)
    {
        Names.ValidateFunctionName(spec.Name);
        Names.ValidateNamespaceName(spec.Namespace);
        if (string.IsNullOrWhiteSpace(spec.Image))
        {
            throw new FunctionPlatformException(FunctionErrorKind.Invalid, "image is required");
        }

        foreach (var secret in spec.Secrets)
        {
            Names.ValidateSecretName(secret);
            if (!secrets.Exists(spec.Namespace, secret))
            {
                throw new FunctionPlatformException(FunctionErrorKind.Invalid, $"unable to find secret: {secret}");
            }
        }

        foreach (var key in spec.Annotations.Keys)
        {
            if (spec.Labels.ContainsKey(ContainerNaming.AnnotationPrefix + key))
            {
                throw new FunctionPlatformException(FunctionErrorKind.Invalid,
                    $"label {ContainerNaming.AnnotationPrefix + key} conflicts with annotation {key}");
            }
        }

        foreach (var key in spec.Labels.Keys)
        {
            if (key.StartsWith("io.faasd.", StringComparison.Ordinal))
            {
                throw new FunctionPlatformException(FunctionErrorKind.Invalid, $"label {key} is reserved for FaasD");
            }
        }

        foreach (var key in spec.EnvVars.Keys)
        {
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
            {
                throw new FunctionPlatformException(FunctionErrorKind.Invalid, $"invalid environment variable name \"{key}\"");
            }
        }

        if (spec.Limits?.Memory is { Length: > 0 } memory)
        {
            Quantity.ParseMemoryBytes(memory);
        }

        if (spec.Limits?.Cpu is { Length: > 0 } cpu)
        {
            Quantity.ParseCpuMillis(cpu);
        }
    }
}
