using Microsoft.Extensions.DependencyInjection;

namespace FaasD.Compose;

/// <summary>Registration of the compose part.</summary>
public static class ComposeServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IComposeServices"/>: the services of the compose file, run on the container runtime
    /// with their output in the same capture as functions'. Needs <c>AddContainerRuntime</c>. The host decides
    /// when they start (before the function platform recovers, so services are up first).
    /// </summary>
    public static IServiceCollection AddComposeServices(this IServiceCollection services, ComposeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services.AddSingleton<IComposeServices>(provider => ComposeHostFactory.Create(
            options,
            provider.GetRequiredService<IContainerRuntime>(),
            provider.GetRequiredService<ILogCapture>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetRequiredService<ILoggerFactory>()));
    }
}
