using FaasD.Queue.Embedded;
using FaasD.Queue.JetStream;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FaasD.Queue;

public static class QueueServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IAsyncInvocationQueue"/> (embedded log or JetStream, from <see cref="AsyncQueueOptions.Backend"/>)
    /// and its workers as a hosted service. Needs <c>IFunctionInvoker</c> and <c>IFunctionPlatform</c> from the host.
    /// </summary>
    public static IServiceCollection AddAsyncQueue(this IServiceCollection services, Action<AsyncQueueOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var probe = new AsyncQueueOptions();
        configure(probe);
        services.AddOptions<AsyncQueueOptions>()
            .Configure(configure)
            .Validate(o => AsyncQueueOptions.Validate(o.Backend) is null && o.MaxQueued > 0 && o.DefaultMaxInflight > 0, "AsyncQueueOptions: invalid backend, MaxQueued or DefaultMaxInflight");

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FunctionQueueSettingsSource>();
        services.TryAddSingleton<CallbackSender>();
        services.TryAddSingleton<CallRunner>();
        services.TryAddSingleton<CallDispatcher>();
        if (probe.IsJetStream)
        {
            services.AddHostedSingleton<IAsyncInvocationQueue, JetStreamQueue>();
        }
        else
        {
            services.AddHostedSingleton<IAsyncInvocationQueue, EmbeddedQueue>();
        }

        return services;
    }
}
