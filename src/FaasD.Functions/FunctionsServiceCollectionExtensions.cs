using FaasD.Functions.Logs;
using FaasD.Functions.Namespaces;
using FaasD.Functions.Secrets;
using FaasD.Functions.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FaasD.Functions;

public static class FunctionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the function platform: <see cref="IFunctionPlatform"/> (deploy, update, remove, scale, the hot-path
    /// endpoint lookup), <see cref="ISecretStore"/>, <see cref="INamespaceStore"/>, <see cref="ILogSource"/>,
    /// <see cref="IFunctionRecovery"/> for start-up, <see cref="IFunctionUsage"/> (CPU and memory per function), and the background services that put idle functions to sleep
    /// and notice tasks that exit. Needs <c>AddContainerRuntime</c>.
    /// </summary>
    public static IServiceCollection AddFunctionPlatform(
        this IServiceCollection services, FunctionPlatformOptions options, ScaleToZeroOptions scaleToZero, string secretsDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scaleToZero);
        ArgumentException.ThrowIfNullOrEmpty(secretsDirectory);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(scaleToZero);

        services.AddSingleton(new FileSecretStore(secretsDirectory));
        services.AddSingleton<ISecretStore>(sp => sp.GetRequiredService<FileSecretStore>());
        services.AddSingleton<ContainerdNamespaceStore>();
        services.AddSingleton<INamespaceStore>(sp => sp.GetRequiredService<ContainerdNamespaceStore>());
        services.AddSingleton<ILogSource, FunctionLogSource>();

        services.AddSingleton<FunctionCatalog>();
        services.AddSingleton<ContainerSpecFactory>();
        services.AddSingleton<TaskStarter>();
        services.AddSingleton<RuntimeFunctionLifecycle>();
        services.AddSingleton(sp => new FunctionRegistry(
            sp.GetRequiredService<RuntimeFunctionLifecycle>(),
            sp.GetRequiredService<ScaleToZeroOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.AddSingleton<FunctionPlatform>();
        services.AddSingleton<IFunctionPlatform>(sp => sp.GetRequiredService<FunctionPlatform>());
        services.AddSingleton<FunctionRecovery>();
        services.AddSingleton<IFunctionRecovery, FunctionStartup>();
        services.TryAddSingleton<IFunctionUsage, FunctionUsageReader>();

        services.AddHostedService<Idler>();
        services.AddHostedService<TaskExitWatcher>();
        return services;
    }
}
