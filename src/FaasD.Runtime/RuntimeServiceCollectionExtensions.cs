using FaasD.Containerd;
using FaasD.Images;
using FaasD.Network;
using FaasD.Runtime.Lifecycle;
using FaasD.Runtime.Logs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FaasD.Runtime;

public static class RuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IContainerRuntime"/> (containers, tasks and namespaces on containerd, each task in its
    /// own network namespace) and <see cref="ILogCapture"/> (the output of every task it starts). Needs
    /// <c>AddContainerdClient</c>, <c>AddContainerNetwork</c> and <c>AddImageService</c>.
    /// </summary>
    public static IServiceCollection AddContainerRuntime(
        this IServiceCollection services, Action<RuntimeOptions>? configure = null, LogStoreOptions? logs = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<RuntimeOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IContainerRuntime>(sp => new ContainerRuntime(
            sp.GetRequiredService<ContainerdClient>(),
            sp.GetRequiredService<INetworkManager>(),
            sp.GetRequiredService<IImageService>(),
            sp.GetRequiredService<IOptions<RuntimeOptions>>(),
            LoggersOf(sp),
            sp.GetRequiredService<TimeProvider>()));

        services.TryAddSingleton(sp => logs ?? new LogStoreOptions
        {
            Directory = Path.Combine(sp.GetRequiredService<IOptions<RuntimeOptions>>().Value.LogDirectory, "..", "functions"),
        });
        services.TryAddSingleton(sp => new TaskLogFiles(sp.GetRequiredService<IOptions<RuntimeOptions>>().Value));
        services.TryAddSingleton<LogStore>();
        services.TryAddSingleton(sp => new LogPump(
            sp.GetRequiredService<LogStore>(),
            sp.GetServices<ILogSink>(),
            sp.GetRequiredService<LogStoreOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            LoggersOf(sp).CreateLogger<LogPump>()));
        services.TryAddSingleton<ILogCapture, LogCapture>();
        return services;
    }

    private static ILoggerFactory LoggersOf(IServiceProvider services) =>
        services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
}
