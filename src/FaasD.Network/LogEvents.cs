namespace FaasD.Network;

/// <summary>
/// Every log event id of this assembly in one table, so ids stay unique and stable (dashboards and
/// journal queries key on them). This assembly owns 1100–1299; the ranges of all assemblies are listed in
/// docs/architecture.md.
/// </summary>
internal static class LogEvents
{
    // CniNetworkManager.Log.cs
    public const int LogAttached = 1101;
    public const int LogDetached = 1102;
    public const int LogAttachFailed = 1103;
    public const int LogRollBackFailed = 1104;
    public const int LogReleasingLeftover = 1105;
    public const int LogLeftoverReleaseFailed = 1106;
    public const int LogUsingBuiltInConfig = 1107;

    // Cni/CniNetworkRunner.cs
    public const int LogAlreadyDeleted = 1201;
    public const int LogDeleteFailed = 1202;
}
