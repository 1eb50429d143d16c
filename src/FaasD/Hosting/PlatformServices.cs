using FaasD.Compose;
using FaasD.Compose.Logs;
using FaasD.Configuration;
using FaasD.Containerd;
using FaasD.Functions;
using FaasD.Functions.Abstractions;
using FaasD.Functions.Deployment;
using FaasD.Functions.Logs;
using FaasD.Functions.Namespaces;
using FaasD.Functions.Scaling;
using FaasD.Functions.Secrets;
using FaasD.Images;
using FaasD.Network;
using FaasD.Runtime;
using FaasD.Runtime.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaasD.Hosting;

/// <summary>The only place that knows every layer: containerd → network/images → runtime → functions.</summary>
internal static class PlatformServices
{
    public static IServiceCollection AddFaasDPlatform(this IServiceCollection services, DaemonSettings settings)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);

        services.AddSingleton(sp => new ContainerdClient(
            new ContainerdClientOptions { SocketPath = settings.ContainerdSocket },
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));

        services.Configure<NetworkOptions>(o =>
        {
            o.ConfigListPath = settings.CniConfPath;
            o.PluginDirectories = [.. settings.CniBinDirs];
        });
        services.AddSingleton<INetworkManager, CniNetworkManager>();

        services.AddSingleton<IImageService>(sp => new ImageService(
            sp.GetRequiredService<ContainerdClient>(),
            new ImageOptions
            {
                DockerConfigPath = settings.DockerConfig,
                Snapshotter = settings.Snapshotter,
                InsecureRegistries = settings.InsecureRegistries.ToArray(),
            },
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));

        services.Configure<RuntimeOptions>(o =>
        {
            o.Snapshotter = settings.Snapshotter;
            o.LogDirectory = Path.Combine(settings.LogsDir, "raw");
        });
        services.AddSingleton<IContainerRuntime>(sp => new ContainerRuntime(
            sp.GetRequiredService<ContainerdClient>(),
            sp.GetRequiredService<INetworkManager>(),
            sp.GetRequiredService<IImageService>(),
            sp.GetRequiredService<IOptions<RuntimeOptions>>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));

        services.AddSingleton(new FunctionPlatformOptions
        {
            HostsFile = StateDirectory.HostsFile(settings),
            ResolvConfFile = StateDirectory.ResolvConfFile(settings),
            ReadinessTimeout = settings.ReadinessTimeout,
            StopGracePeriod = settings.StopGracePeriod,
        });
        services.AddSingleton(new ScaleToZeroOptions
        {
            DefaultEnabled = settings.ScaleToZero,
            DefaultIdleDuration = settings.ScaleToZeroIdle,
            DefaultStopAfter = settings.ScaleToZeroStopAfter,
            MaxWaitersPerFunction = settings.WakeQueueLength,
            WakeTimeout = settings.WakeTimeout,
            ReadinessTimeout = settings.ReadinessTimeout,
        });
        services.AddSingleton(new LogStoreOptions { Directory = Path.Combine(settings.LogsDir, "functions") });

        services.AddSingleton(new FileSecretStore(settings.SecretsDir));
        services.AddSingleton<ISecretStore>(sp => sp.GetRequiredService<FileSecretStore>());
        services.AddSingleton<ContainerdNamespaceStore>();
        services.AddSingleton<INamespaceStore>(sp => sp.GetRequiredService<ContainerdNamespaceStore>());
        services.AddSingleton<FunctionLogStore>();
        services.AddSingleton<ILogSource>(sp => sp.GetRequiredService<FunctionLogStore>());
        services.AddSingleton<LogPump>();

        services.AddSingleton<FunctionCatalog>();
        services.AddSingleton<ContainerSpecFactory>();
        services.AddSingleton<RuntimeFunctionLifecycle>();
        services.AddSingleton(sp => new FunctionRegistry(
            sp.GetRequiredService<RuntimeFunctionLifecycle>(),
            sp.GetRequiredService<ScaleToZeroOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp =>
        {
            var platform = ActivatorUtilities.CreateInstance<FunctionPlatform>(sp);
            sp.GetRequiredService<RuntimeFunctionLifecycle>().Attach(platform);
            return platform;
        });
        services.AddSingleton<IFunctionPlatform>(sp => sp.GetRequiredService<FunctionPlatform>());
        services.AddSingleton<FunctionRecovery>();

        services.AddSingleton(sp => ComposeHostFactory.Create(
            new ComposeOptions
            {
                StateDirectory = settings.StateDir,
                FilePath = settings.ComposeFile,
                HostsFile = StateDirectory.HostsFile(settings),
                ResolvConfFile = StateDirectory.ResolvConfFile(settings),
                StopServicesOnShutdown = settings.StopServicesOnShutdown,
                StopGracePeriod = settings.StopGracePeriod,
            },
            sp.GetRequiredService<IContainerRuntime>(),
            new LogPumpServiceLogs(sp.GetRequiredService<LogPump>()),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<ComposeShutdown>();

        services.AddHostedService<Idler>();
        services.AddHostedService<TaskExitWatcher>();
        services.AddFunctionReplicas(
            new FaasD.Functions.Autoscaling.AutoscalerOptions { Enabled = settings.Autoscale, DownWindow = settings.ScaleDownWindow },
            new FaasD.Functions.Health.LivenessOptions { Interval = settings.LivenessInterval });
        return services;
    }
}
