using FaasD.Compose.Logs;
using FaasD.Functions.Logs;
using FaasD.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaasD.Compose;

public static class ComposeServiceCollectionExtensions
{
    /// <summary>
    /// Runs the services of the compose file as part of the host. Needs <see cref="IContainerRuntime"/> and
    /// <see cref="LogPump"/> registered; register it before the function platform so services start first.
    /// </summary>
    public static IServiceCollection AddComposeServices(this IServiceCollection services, ComposeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(provider => ComposeHostFactory.Create(
            options,
            provider.GetRequiredService<IContainerRuntime>(),
            new LogPumpServiceLogs(provider.GetRequiredService<LogPump>()),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService(provider => provider.GetRequiredService<ComposeHost>());
        return services;
    }
}
