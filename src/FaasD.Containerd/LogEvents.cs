namespace FaasD.Containerd;

/// <summary>
/// Every log event id of this assembly in one table, so ids stay unique and stable (dashboards and
/// journal queries key on them). This assembly owns 2000–2099; the ranges of all assemblies are listed in
/// docs/architecture.md.
/// </summary>
internal static class LogEvents
{
    // Leases/ContainerdLease.cs
    public const int Created = 2001;
    public const int Deleted = 2002;
    public const int DeleteFailed = 2003;

    // Content/ContentStore.cs
    public const int Written = 2010;
    public const int AbortFailed = 2011;
    public const int RefLocked = 2012;

    // Events/EventWatch.cs
    public const int Disconnected = 2020;
}
