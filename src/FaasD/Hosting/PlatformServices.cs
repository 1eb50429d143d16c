using FaasD.Functions;
using FaasD.Functions.Scaling;
using FaasD.Images;
using FaasD.Network;
using FaasD.Triggers;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FaasD.Hosting;

/// <summary>
/// The only place that knows every layer, bottom up: network/images → runtime → functions, and compose beside
/// functions; images and runtime share the one containerd client they register. Each layer registers itself;
/// this only turns the daemon's settings into their options.
/// </summary>
internal static class PlatformServices
{
    public static IServiceCollection AddFaasDPlatform(this IServiceCollection services, DaemonSettings settings)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);

        services.AddContainerNetwork(o =>
        {
            o.ConfigListPath = settings.CniConfPath;
            o.PluginDirectories = [.. settings.CniBinDirs];
            o.PoolSize = settings.NetnsPoolSize;
            o.PoolIdPrefix = NetnsPoolPrefix.For(settings.StateDir);
        });
        services.AddNetnsPool();
        services.AddImageService(settings.ContainerdSocket, new ImageOptions
        {
            DockerConfigPath = settings.DockerConfig,
            Snapshotter = settings.Snapshotter,
            InsecureRegistries = settings.InsecureRegistries.ToArray(),
        });
        services.AddContainerRuntime(
            settings.ContainerdSocket,
            o =>
            {
                o.Snapshotter = settings.Snapshotter;
                o.LogDirectory = Path.Combine(settings.LogsDir, "raw");
                o.OwnedCopiesDirectory = Path.Combine(settings.SecretsDir, ".containers");
            },
            new LogStoreOptions { Directory = Path.Combine(settings.LogsDir, "functions") });

        services.AddFunctionPlatform(
            new FunctionPlatformOptions
            {
                HostsFile = StateDirectory.HostsFile(settings),
                ResolvConfFile = StateDirectory.ResolvConfFile(settings),
                ReadinessTimeout = settings.ReadinessTimeout,
                StopGracePeriod = settings.StopGracePeriod,
                SharedShims = settings.SharedShims,
            },
            new ScaleToZeroOptions
            {
                DefaultEnabled = settings.ScaleToZero,
                DefaultIdleDuration = settings.ScaleToZeroIdle,
                DefaultStopAfter = settings.ScaleToZeroStopAfter,
                MaxWaitersPerFunction = settings.WakeQueueLength,
                WakeTimeout = settings.WakeTimeout,
                ReadinessTimeout = settings.ReadinessTimeout,
            },
            settings.SecretsDir);

        services.AddFunctionReplicas(
            new FaasD.Functions.Autoscaling.AutoscalerOptions { Enabled = settings.Autoscale, DownWindow = settings.ScaleDownWindow },
            new FaasD.Functions.Health.LivenessOptions { Interval = settings.LivenessInterval });
        services.AddComposeServices(new ComposeOptions
        {
            StateDirectory = settings.StateDir,
            FilePath = settings.ComposeFile,
            HostsFile = StateDirectory.HostsFile(settings),
            ResolvConfFile = StateDirectory.ResolvConfFile(settings),
            StopServicesOnShutdown = settings.StopServicesOnShutdown,
            StopGracePeriod = settings.StopGracePeriod,
        });
        services.AddHostedService<ComposeShutdown>();
        services.AddSingleton(new IdleMemoryTrimOptions { Interval = settings.MemoryTrimInterval });
        services.AddSingleton<IManagedHeap, ManagedHeap>();
        services.AddSingleton<IdleMemoryTrim>();
        services.AddHostedService(provider => provider.GetRequiredService<IdleMemoryTrim>());
        services.AddTriggers(triggers =>
        {
            triggers.NatsUrl = settings.NatsUrl;
            triggers.NatsConcurrency = settings.NatsConcurrency;
        });
        services.AddSingleton<FaasD.Gateway.IHealthProbe, ContainerdHealthProbe>();
        services.AddSingleton<HealthzClient>();
        services.AddImageGarbageCollection(new ImageGcOptions
        {
            Enabled = settings.ImageGc,
            DiskPath = settings.ContainerdRoot,
            HighThreshold = settings.ImageGcHighThreshold,
            LowThreshold = settings.ImageGcLowThreshold,
            MinAge = settings.ImageGcMinAge,
        });
        return services;
    }
}
