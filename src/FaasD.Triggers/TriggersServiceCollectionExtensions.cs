using FaasD.Triggers.Catalog;
using FaasD.Triggers.Nats;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FaasD.Triggers;

public static class TriggersServiceCollectionExtensions
{
    /// <summary>
    /// Cron schedules (always) and NATS subjects (when <see cref="TriggerOptions.NatsUrl"/> is set) from function
    /// annotations. Needs <see cref="IFunctionPlatform"/>, <see cref="INamespaceStore"/> and
    /// <see cref="IFunctionInvoker"/>; uses <see cref="IAsyncInvocationQueue"/> when one is registered. Registers an
    /// <see cref="IFunctionSpecValidator"/> and an <see cref="IFunctionChangeObserver"/> for the platform, and
    /// <see cref="ITriggerCatalog"/>.
    /// </summary>
    public static IServiceCollection AddTriggers(this IServiceCollection services, Action<TriggerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new TriggerOptions();
        configure?.Invoke(options);
        if (options.NatsConcurrency < 1 || options.ResyncInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("TriggerOptions: NatsConcurrency must be at least 1 and ResyncInterval positive");
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<FunctionChangeChannel>();
        services.AddSingleton<IFunctionChangeObserver>(sp => sp.GetRequiredService<FunctionChangeChannel>());
        services.AddSingleton<IFunctionSpecValidator, TriggerSpecValidator>();
        services.AddSingleton<TriggerDispatcher>();

        services.AddHostedSingleton<ITriggerEngine, CronScheduler>();
        if (!string.IsNullOrWhiteSpace(options.NatsUrl))
        {
            services.AddHostedSingleton<ITriggerEngine, NatsTopicRouter>();
        }

        services.AddHostedService<TriggerReconciler>();
        services.AddSingleton<ITriggerCatalog, TriggerCatalog>();
        return services;
    }
}
