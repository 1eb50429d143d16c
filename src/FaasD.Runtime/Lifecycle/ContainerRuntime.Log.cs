using System.Net;
using Microsoft.Extensions.Logging;

namespace FaasD.Runtime.Lifecycle;

internal sealed partial class ContainerRuntime
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Namespace {Namespace} created")]
        public static partial void NamespaceCreated(ILogger logger, string @namespace);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Container {Namespace}/{Id} created from {Image}")]
        public static partial void ContainerCreated(ILogger logger, string @namespace, string id, string image);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Container {Namespace}/{Id} deleted")]
        public static partial void ContainerDeleted(ILogger logger, string @namespace, string id);

        [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Snapshot {Key} in namespace {Namespace} belonged to no container (a create cut short); replacing it")]
        public static partial void OrphanSnapshotReplaced(ILogger logger, string? @namespace, string key);

        [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Task {Namespace}/{Id} started, pid {Pid}, address {Address}")]
        public static partial void TaskStarted(ILogger logger, string @namespace, string id, uint pid, IPAddress address);

        [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Task {Namespace}/{Id} stopped and deleted")]
        public static partial void TaskStopped(ILogger logger, string @namespace, string id);

        [LoggerMessage(EventId = 3007, Level = LogLevel.Debug, Message = "Task {Namespace}/{Id} paused")]
        public static partial void TaskPaused(ILogger logger, string @namespace, string id);

        [LoggerMessage(EventId = 3008, Level = LogLevel.Debug, Message = "Task {Namespace}/{Id} resumed")]
        public static partial void TaskResumed(ILogger logger, string @namespace, string id);

        [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "Namespace {Namespace} deleted")]
        public static partial void NamespaceDeleted(ILogger logger, string @namespace);
    }
}
