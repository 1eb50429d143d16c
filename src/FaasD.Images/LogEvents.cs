namespace FaasD.Images;

/// <summary>
/// Every log event id of this assembly in one table, so ids stay unique and stable (dashboards and
/// journal queries key on them). This assembly owns 3100–3199; the ranges of all assemblies are listed in
/// docs/architecture.md.
/// </summary>
internal static class LogEvents
{
    // ImageService.cs
    public const int Pulling = 3101;
    public const int Pulled = 3102;
    public const int PullFailed = 3103;
    public const int Imported = 3104;
}
