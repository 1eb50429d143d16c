using System.Net;

namespace FaasD.Runtime.Lifecycle;

internal sealed partial class ContainerRuntime
{
    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.NamespaceCreated, Level = LogLevel.Information, Message = "Namespace {Namespace} created")] public static partial void NamespaceCreated(ILogger logger, string @namespace);

        [LoggerMessage(EventId = LogEvents.ContainerCreated, Level = LogLevel.Information, Message = "Container {Namespace}/{Id} created from {Image}")] public static partial void ContainerCreated(ILogger logger, string @namespace, string id, string image);

        [LoggerMessage(EventId = LogEvents.ContainerDeleted, Level = LogLevel.Information, Message = "Container {Namespace}/{Id} deleted")] public static partial void ContainerDeleted(ILogger logger, string @namespace, string id);

        [LoggerMessage(EventId = LogEvents.OrphanedNetworkReleased, Level = LogLevel.Warning, Message = "Network of {Namespace}/{Id} released: its container is gone (a crash or a failed removal left it)")] public static partial void OrphanedNetworkReleased(ILogger logger, string @namespace, string id);

        [LoggerMessage(EventId = LogEvents.OrphanedNetworkReleaseFailed, Level = LogLevel.Warning, Message = "Network of {Namespace}/{Id}, whose container is gone, could not be released; the next start tries again")] public static partial void OrphanedNetworkReleaseFailed(ILogger logger, Exception exception, string @namespace, string id);

        [LoggerMessage(EventId = LogEvents.OrphanedNetworksNotChecked, Level = LogLevel.Warning, Message = "Networks of namespace {Namespace} not checked for leftovers of deleted containers; the next start tries again")] public static partial void OrphanedNetworksNotChecked(ILogger logger, Exception exception, string @namespace);

        [LoggerMessage(EventId = LogEvents.OrphanSnapshotReplaced, Level = LogLevel.Warning, Message = "Snapshot {Key} in namespace {Namespace} belonged to no container (a create cut short); replacing it")] public static partial void OrphanSnapshotReplaced(ILogger logger, string key, string @namespace);

        [LoggerMessage(EventId = LogEvents.TaskStarted, Level = LogLevel.Information, Message = "Task {Namespace}/{Id} started, pid {Pid}, address {Address}")] public static partial void TaskStarted(ILogger logger, string @namespace, string id, uint pid, IPAddress address);

        // Its own line: the logging generator mis-renders templates of more than six values (the namespace came out as "{Namespace}").
        [LoggerMessage(EventId = LogEvents.TaskStartTimings, Level = LogLevel.Debug, Message = "Task {Namespace}/{Id}: lookups and network {PrepareMs:0.0} ms, task create {CreateMs:0.0} ms, start {StartMs:0.0} ms")] public static partial void TaskStartTimings(ILogger logger, string @namespace, string id, double prepareMs, double createMs, double startMs);

        [LoggerMessage(EventId = LogEvents.TaskStopped, Level = LogLevel.Information, Message = "Task {Namespace}/{Id} stopped and deleted")] public static partial void TaskStopped(ILogger logger, string @namespace, string id);

        [LoggerMessage(EventId = LogEvents.TaskPaused, Level = LogLevel.Debug, Message = "Task {Namespace}/{Id} paused")] public static partial void TaskPaused(ILogger logger, string @namespace, string id);

        [LoggerMessage(EventId = LogEvents.TaskResumed, Level = LogLevel.Debug, Message = "Task {Namespace}/{Id} resumed")] public static partial void TaskResumed(ILogger logger, string @namespace, string id);

        [LoggerMessage(EventId = LogEvents.NamespaceDeleted, Level = LogLevel.Information, Message = "Namespace {Namespace} deleted")] public static partial void NamespaceDeleted(ILogger logger, string @namespace);
    }
}
