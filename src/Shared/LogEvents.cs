namespace FaasD;

/// <summary>
/// Every log event id of every FaasD assembly in one table, so ids stay unique and stable (dashboards and journal
/// queries key on them). Each assembly owns a range, and only its own section is used by it; the file is linked
/// as source into each assembly (like AtomicFile.cs), so no layer depends on another for it. Ranges at and above
/// 7000 belong to features still being added (queue 7000s, triggers 7100s, metrics 7200s, …). The watchdog, a
/// separate binary, keeps ids 1–99 in src/FaasD.Watchdog/Diagnostics/Log.cs.
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

    // ── FaasD (1000–1099): the host (faasd up); src/FaasD/Systemd keeps its own 9000–9099 until its D-Bus rewrite lands
    // Hosting/DaemonStartup.cs
    public const int ConnectedToContainerd = 1001;
    public const int WaitingForContainerd = 1002;
    public const int Recovered = 1003;
    public const int ComposeRefused = 1004;
    public const int ComposeIncomplete = 1005;

    // ── FaasD.Network (1100–1299): network namespaces and CNI
    // Network/CniNetworkManager.Log.cs
    public const int LogAttached = 1101;
    public const int LogDetached = 1102;
    public const int LogAttachFailed = 1103;
    public const int LogRollBackFailed = 1104;
    public const int LogReleasingLeftover = 1105;
    public const int LogLeftoverReleaseFailed = 1106;
    public const int LogUsingBuiltInConfig = 1107;
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
    public const int TaskStopped = 3006;
    public const int TaskPaused = 3007;
    public const int TaskResumed = 3008;
    public const int NamespaceDeleted = 3009;
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
    // Functions/Waking/FunctionHandle.Log.cs
    public const int TransitionStarted = 4101;
    public const int TransitionSucceeded = 4102;
    public const int TransitionFailed = 4103;
    public const int TransitionTimedOut = 4104;
    public const int WaitQueueFull = 4105;
    public const int WakeTimedOut = 4106;
    // Functions/Scaling/Idler.cs
    public const int IdlerStarted = 4120;
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

    // ── Reliability (7300–7399): ownership checks, image GC, stale leases
    // Functions/FunctionPlatform.cs
    public const int ForeignContainerKept = 7300;
    public const int GenerationSkipped = 7301;
    // Images/Collection/ImageCollector.cs
    public const int ImageRemoved = 7310;
    // Hosting/ImageGarbageCollection.cs
    public const int ImageGcPruned = 7311;
    public const int ImageGcStillFull = 7312;
    public const int ImageGcFailed = 7313;

    // ── Replicas (7500–7599): replicas, load balancing, autoscaler, health
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
}
