using FaasD.Queue;

namespace FaasD.Hosting;

/// <summary>The async queue behind <c>/async-function/</c>: the embedded log under the state directory, or JetStream.</summary>
internal static class AsyncQueueServices
{
    public static IServiceCollection AddFaasDAsyncQueue(this IServiceCollection services, DaemonSettings settings) =>
        services.AddAsyncQueue(queue =>
        {
            queue.Backend = settings.Queue;
            queue.Directory = settings.QueueDir;
            queue.MaxQueued = settings.QueueMaxSize;
            queue.DefaultMaxInflight = settings.QueueMaxInflight;
            queue.AckWait = settings.QueueAckWait;
        });
}
