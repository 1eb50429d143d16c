namespace FaasD;

/// <summary>
/// Every log event id of every FaasD assembly in one table, so ids stay unique and stable (dashboards and journal
/// queries key on them): no number appears twice, and no assembly writes a literal id. The file is linked as source
/// into each assembly that logs (like AtomicFile.cs), so no layer depends on another for it; each uses only the
/// ids of its own files, named in the comment above each group. Below 7000 each assembly owns one range; from 7000
/// the ranges follow features added later (queue 7000s, triggers 7100s, metrics 7200s, reliability 7300s, systemd
/// 7400s, replicas 7500s, netns pool 7600s), and a feature range that spans assemblies gives each its own
/// sub-block. The watchdog, a separate binary, keeps ids 1–99 in src/FaasD.Watchdog/Diagnostics/Log.cs.
/// </summary>
internal static class LogEvents
{
    // ── FaasD.Gateway (100–999): the HTTP API and invoke proxy
    // Gateway/Auth/BasicAuthenticator.cs
    public const int NoCredentials = 100;
    public const int CredentialsRejected = 101;
    // Gateway/Functions/FunctionsEndpoints.cs
    public const int FunctionDeployed = 200;
    public const int FunctionRemoved = 201;
    public const int FunctionScaled = 202;
    // Gateway/Secrets/SecretsEndpoints.cs
    public const int SecretWritten = 300;
    public const int SecretRemoved = 301;
    // Gateway/Namespaces/NamespacesEndpoints.cs
    public const int NamespaceChanged = 400;
    // Gateway/Logs/LogsEndpoints.cs
    public const int LogSourceFailed = 500;
    // Gateway/Invoke/FunctionProxy.cs
    public const int FunctionNotReady = 600;
    public const int UpstreamFailed = 601;
    public const int ClientFailed = 602;
    public const int InvocationCanceled = 603;
    // Gateway/Invoke/InProcessInvoker.cs
    public const int InProcessInvocationFailed = 610;
    // Gateway/Http/HttpVersionGuard.cs
    public const int UnsupportedHttpVersion = 700;
    public const int FirstRequestLineTimedOut = 701;

    // ── FaasD (1000–1099): the host (faasd up); its Systemd folder has 7400–7499 and 9000–9099 below
    // Hosting/DaemonStartup.cs
    public const int ConnectedToContainerd = 1001;
    public const int WaitingForContainerd = 1002;
    public const int Recovered = 1003;
    public const int ComposeRefused = 1004;
    public const int ComposeIncomplete = 1005;
    // Hosting/IdleMemoryTrim.cs
    public const int MemoryTrimmed = 1010;

    // ── FaasD.Network (1100–1299): network namespaces and CNI
    // Network/CniNetworkManager.Log.cs
    public const int LogAttached = 1101;
    public const int LogDetached = 1102;
    public const int LogAttachFailed = 1103;
    public const int LogRollBackFailed = 1104;
    public const int LogReleasingLeftover = 1105;
    public const int LogLeftoverReleaseFailed = 1106;
    public const int LogUsingBuiltInConfig = 1107;
    // Network/CniNetworkManager.Log.cs (masquerade rules the bridge plugin left, CniNetworkManager.Masquerade.cs)
    public const int LogRemovedMasquerade = 1110;
    public const int LogMasqueradeRemovalFailed = 1111;
    public const int LogRemovedStaleMasquerades = 1112;
    public const int LogStaleMasqueradeSweepFailed = 1113;
    // Network/CniNetworkManager.Records.cs
    public const int LogUnreadableRecord = 1114;
    // Network/Cni/CniNetworkRunner.cs
    public const int LogAlreadyDeleted = 1201;
    public const int LogDeleteFailed = 1202;

    // ── FaasD.Containerd (2000–2099): the containerd client
    // Containerd/Leases/ContainerdLease.cs
    public const int Created = 2001;
    public const int Deleted = 2002;
    public const int DeleteFailed = 2003;
    // Containerd/Content/ContentStore.cs
    public const int Written = 2010;
    public const int AbortFailed = 2011;
    public const int RefLocked = 2012;
    // Containerd/Events/EventWatch.cs
    public const int Disconnected = 2020;

    // ── FaasD.Runtime (3000–3099): containers, tasks, namespaces, log capture
    // Runtime/Lifecycle/ContainerRuntime.Log.cs
    public const int NamespaceCreated = 3001;
    public const int ContainerCreated = 3002;
    public const int ContainerDeleted = 3003;
    public const int OrphanSnapshotReplaced = 3004;
    public const int TaskStarted = 3005;
    public const int TaskStartTimings = 3010;
    public const int TaskStopped = 3006;
    public const int TaskPaused = 3007;
    public const int TaskResumed = 3008;
    public const int NamespaceDeleted = 3009;
    public const int OrphanedNetworkReleased = 3011;
    public const int OrphanedNetworkReleaseFailed = 3012;
    public const int OrphanedNetworksNotChecked = 3013;
    // Runtime/Logs/LogPump.cs
    public const int ReadFailed = 3020;
    // Runtime/Oci/OciSpecBuilder.cs
    public const int LimitSkipped = 3021;

    // ── FaasD.Images (3100–3199): pull, import, unpack
    // Images/ImageService.cs
    public const int Pulling = 3101;
    public const int Pulled = 3102;
    public const int PullFailed = 3103;
    public const int Imported = 3104;

    // ── FaasD.Functions (4000–4999): deploy, recovery, waking, idling
    // Functions/FunctionPlatform.cs
    public const int Deployed = 4001;
    public const int Updated = 4002;
    public const int Removed = 4003;
    public const int TaskExited = 4004;
    public const int StaleTaskExit = 4005;
    // Functions/Deployment/FunctionRecovery.cs
    public const int Foreign = 4011;
    public const int DroppingGeneration = 4012;
    public const int RecoveryRestartFailed = 4013;
    public const int FinishingRemoval = 4014;
    // Functions/Waking/FunctionHandle.Log.cs
    public const int TransitionStarted = 4101;
    public const int TransitionSucceeded = 4102;
    public const int TransitionFailed = 4103;
    public const int TransitionTimedOut = 4104;
    public const int WaitQueueFull = 4105;
    public const int WakeTimedOut = 4106;
    // Functions/Scaling/Idler.cs
    public const int IdlerStarted = 4120;
    // Functions/Waking/TaskStarter.cs
    public const int TaskReady = 4130;
    // Functions/Waking/TaskExitWatcher.cs
    public const int HandlingFailed = 4201;
    public const int Resubscribing = 4202;
    public const int ReconcileFailed = 4203;

    // ── FaasD.Compose (5000–5999): compose services
    // Compose/ComposeHost.cs
    public const int NoFile = 5101;
    public const int InvalidFile = 5102;
    public const int IgnoredKey = 5103;
    public const int ServicesUp = 5104;
    public const int Crashed = 5105;
    // Compose/Running/ServiceRunner.cs
    public const int DefinitionChanged = 5201;
    public const int ServiceUp = 5202;
    public const int ServiceStopped = 5203;
    public const int ServiceRemoved = 5204;
    public const int NoAddress = 5205;
    // Compose/Running/ProjectRunner.cs
    public const int StartFailed = 5211;
    public const int DependencyFailed = 5212;
    public const int StopFailed = 5213;
    // Compose/Ports/PortForwarder.cs
    public const int AcceptFailed = 5301;
    public const int ServiceNotRunning = 5302;
    public const int ConnectFailed = 5303;
    // Compose/Ports/PortProxies.cs
    public const int Listening = 5310;
    public const int BindFailed = 5311;
    // Compose/Restart/ServiceSupervisor.cs
    public const int Exited = 5401;
    public const int RestartScheduled = 5402;
    public const int Restarted = 5403;
    public const int ServiceRestartFailed = 5404;
    public const int LeftDown = 5405;
    public const int WatchFailed = 5406;
    public const int SweepFailed = 5407;

    // ── Queue (7000–7099): FaasD.Queue 7000–7049, the gateway's async endpoint 7050–7099
    // Queue/Embedded/EmbeddedQueue.cs
    public const int QueueOpened = 7000;
    public const int QueueTornTail = 7001;
    public const int QueueRecordUnreadable = 7002;
    public const int QueueOpenFailed = 7003;
    public const int QueueWriteFailed = 7004;
    // Queue/Dispatch/CallRunner.cs
    public const int AsyncCallFinished = 7010;
    public const int AsyncCallRetrying = 7011;
    public const int AsyncCallBackendFailed = 7012;
    // Queue/Dispatch/CallbackSender.cs
    public const int CallbackDelivered = 7020;
    public const int CallbackRetrying = 7021;
    public const int CallbackGaveUp = 7022;
    // Queue/JetStream/JetStreamQueue.cs
    public const int JetStreamConnected = 7040;
    public const int JetStreamConsumeFailed = 7041;
    public const int JetStreamPublishFailed = 7042;
    public const int JetStreamMessageUnreadable = 7043;
    public const int JetStreamHeartbeatFailed = 7044;
    // Gateway/Invoke/AsyncFunctionEndpoint.cs
    public const int AsyncCallRefused = 7050;

    // ── FaasD.Triggers (7100–7199): cron and NATS triggers
    // Triggers/Cron/CronScheduler.cs
    public const int CronScheduled = 7100;
    public const int CronUnscheduled = 7101;
    public const int CronFiring = 7102;
    public const int CronSkippedOverlap = 7103;
    public const int CronRunFailed = 7104;
    // Triggers/Nats/TopicSubscription.cs
    public const int NatsSubscribed = 7120;
    public const int NatsUnsubscribed = 7121;
    public const int NatsSubscribeFailed = 7122;
    public const int NatsSubscriptionEnded = 7123;
    public const int NatsCallFailed = 7124;
    public const int NatsReplyFailed = 7125;
    // Triggers/Nats/NatsTopicRouter.cs
    public const int NatsConnected = 7126;
    public const int NatsDisconnected = 7127;
    // Triggers/Sync/TriggerReconciler.cs
    public const int TriggerResyncFailed = 7140;
    public const int TriggerAnnotationsInvalid = 7141;
    // Triggers/Dispatch/TriggerDispatcher.cs
    public const int TriggerNoQueue = 7150;

    // ── Metrics (7200–7299): FaasD.Gateway
    // Gateway/Metrics/FunctionUsageSource.cs
    public const int UsageUnreadable = 7200;
    // Gateway/Metrics/PlatformGauges.cs
    public const int MetricsNamespaceSkipped = 7201;

    // ── Reliability (7300–7399): ownership checks (Functions 7300–7309), image GC (Images 7310–7319), stale leases (host 7320)
    // Functions/FunctionPlatform.cs
    public const int ForeignContainerKept = 7300;
    public const int GenerationSkipped = 7301;
    // Images/Collection/ImageCollector.cs
    public const int UnusedImageRemoved = 7310;
    // Images/Collection/ImageGarbageCollection.cs
    public const int ImageGcPruned = 7311;
    public const int ImageGcStillFull = 7312;
    public const int ImageGcFailed = 7313;
    // FaasD Hosting/DaemonStartup.cs (the stale leases Images/Collection/StaleLeases.cs deleted)
    public const int StaleLeasesDeleted = 7320;

    // ── Systemd (7400–7499 and 9000–9099): FaasD's Systemd folder (D-Bus, install, watchdog)
    // Systemd/Manager/SystemdBus.cs
    public const int SystemdViaSystemBus = 7400;
    public const int SystemBusUnavailable = 7401;
    public const int SystemdViaPrivateSocket = 7402;
    public const int SystemdHandshakeStalled = 7403;
    // Systemd/Install/Installer.cs
    public const int SystemdJobFinished = 7410;
    public const int Installed = 9001;
    public const int BinaryAlreadyInPlace = 9002;
    public const int UnitState = 9003;
    // Systemd/Manager/ContainerdServiceCheck.cs
    public const int ContainerdCheckFailed = 9010;
    // Systemd/Watchdog/SystemdWatchdog.cs
    public const int WatchdogUnhealthy = 9020;
    public const int WatchdogHealthCheckFailed = 9021;

    // ── Replicas (7500–7599): replicas, load balancing, autoscaler, health (Functions; Gateway 7520 and 7550)
    // Functions/FunctionPlatform.Replicas.cs
    public const int ReplicasScaled = 7500;
    public const int ReplicaRetired = 7501;
    public const int ReplicaDrainTimedOut = 7502;
    public const int ReplicaStartFailed = 7503;
    public const int ReplicaRestarted = 7504;
    public const int ReplicaRestartFailed = 7505;
    // Functions/Replicas/ReplicaSupervisor.cs
    public const int ReplicaOutOfRotation = 7510;
    public const int ReplicaRestartScheduled = 7511;
    public const int ReplicaSupervisionFailed = 7512;
    // Gateway/Invoke/FunctionProxy.cs
    public const int ReplicaConnectionRefused = 7520;
    // Functions/Health/LivenessMonitor.cs
    public const int LivenessProbeFailed = 7530;
    // Functions/Autoscaling/Autoscaler.cs
    public const int Autoscaling = 7540;
    public const int AutoscalingFailed = 7541;
    // Gateway/Alerts/AlertEndpoints.cs
    public const int AlertScaled = 7550;
    // Functions/Waking/FunctionHandle.Thawing.cs
    public const int ReplicaThawed = 7560;
    public const int ReplicaThawFailed = 7561;
    public const int StaleReplicaFailure = 7562;

    // ── Netns pool (7600–7699): FaasD.Network
    // Network/Pool/NetnsPool.Log.cs
    public const int PoolRecovered = 7600;
    public const int PoolRecoveryFailed = 7601;
    public const int PoolEntryAdded = 7602;
    public const int PoolRefillFailed = 7603;
    public const int PoolEntryReleased = 7604;
    public const int PoolReleaseFailed = 7605;
    public const int PoolStopped = 7606;
    // Network/CniNetworkManager.Log.cs (the pool's hand-over, CniNetworkManager.Pool.cs)
    public const int PoolEntryTaken = 7610;
    public const int PoolConfigChanged = 7611;
    public const int PoolHandOverFailed = 7612;
    public const int PoolFinishHandOverFailed = 7613;
    public const int PoolReleasingStale = 7614;
    public const int PoolFinishingHandOver = 7615;
    public const int PoolUndoingHandOver = 7616;
}
