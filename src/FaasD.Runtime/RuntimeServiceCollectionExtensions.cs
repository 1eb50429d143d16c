using FaasD.Runtime.Lifecycle;
using FaasD.Runtime.Logs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FaasD.Runtime;

/// <summary>Registration of the runtime layer.</summary>
public static class RuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IContainerRuntime"/> (containers, tasks and namespaces on containerd, each task in its own
    /// network namespace), <see cref="IContainerUsage"/> (CPU and memory of a task from its cgroup) and <see cref="ILogCapture"/> (the output of every task it starts, captured under
    /// <paramref name="logs"/>, by default beside the raw files). Needs the containerd client (<c>AddContainerdClient</c>, or the overload given the socket),
    /// <c>AddContainerNetwork</c> and <c>AddImageService</c>.
    /// </summary>
    public static IServiceCollection AddContainerRuntime(
        this IServiceCollection services, Action<RuntimeOptions>? configure = null, LogStoreOptions? logs = null) =>
        services.AddContainerRuntimeCore(configure, logs);

    /// <summary>
    /// As <see cref="AddContainerRuntime(IServiceCollection, Action{RuntimeOptions}?, LogStoreOptions?)"/>, with the
    /// one containerd client (shared with the image layer) connected to <paramref name="containerdSocket"/>.
    /// </summary>
    public static IServiceCollection AddContainerRuntime(
        this IServiceCollection services, string containerdSocket, Action<RuntimeOptions>? configure = null, LogStoreOptions? logs = null) =>
        services.AddContainerdClient(containerdSocket).AddContainerRuntimeCore(configure, logs);

    private static IServiceCollection AddContainerRuntimeCore(
        this IServiceCollection services, Action<RuntimeOptions>? configure, LogStoreOptions? logs)
    {
        services.AddOptions<RuntimeOptions>().Configure(configure ?? (_ => { }));
        services.TryAddSingleton<IContainerRuntime>(sp => new ContainerRuntime(
            sp.GetRequiredService<ContainerdClient>(),
            sp.GetRequiredService<INetworkManager>(),
            sp.GetRequiredService<IImageService>(),
            sp.GetRequiredService<IOptions<RuntimeOptions>>(),
            LoggersOf(sp),
            sp.GetService<TimeProvider>()));

        services.TryAddSingleton<IContainerUsage>(sp => new CgroupUsageReader(new CgroupHost(OptionsOf(sp)), OptionsOf(sp)));

        services.TryAddSingleton(sp => logs ?? new LogStoreOptions { Directory = Path.Combine(OptionsOf(sp).LogDirectory, "..", "functions") });
        services.TryAddSingleton(sp => new TaskLogFiles(OptionsOf(sp)));
        services.TryAddSingleton(sp => new LogStore(sp.GetRequiredService<LogStoreOptions>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton(sp => new LogPump(
            sp.GetRequiredService<LogStore>(),
            sp.GetServices<ILogSink>(),
            sp.GetRequiredService<LogStoreOptions>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            LoggersOf(sp).CreateLogger<LogPump>()));
        services.TryAddSingleton<ILogCapture, LogCapture>();
        return services;
    }

    private static RuntimeOptions OptionsOf(IServiceProvider services) => services.GetRequiredService<IOptions<RuntimeOptions>>().Value;

    private static ILoggerFactory LoggersOf(IServiceProvider services) =>
        services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
}
