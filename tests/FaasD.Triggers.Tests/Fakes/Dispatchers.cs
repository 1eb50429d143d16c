using FaasD.Invocation;
using FaasD.Triggers.Dispatch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaasD.Triggers.Tests.Fakes;

internal static class Dispatchers
{
    /// <summary>A dispatcher over fakes; with <paramref name="queue"/> null the daemon has no async queue.</summary>
    public static TriggerDispatcher Create(IFunctionInvoker invoker, TimeProvider time, IAsyncInvocationQueue? queue = null)
    {
        var services = new ServiceCollection();
        if (queue is not null)
        {
            services.AddSingleton(queue);
        }

        return new TriggerDispatcher(services.BuildServiceProvider(), invoker, time, NullLogger<TriggerDispatcher>.Instance);
    }
}
