using System.Reflection;

namespace FaasD.Watchdog.Tests.Support;

/// <summary>Where the build put the watchdog (embedded by the test project file at build time).</summary>
internal static class WatchdogLocation
{
    public static string Dll { get; } = Metadata("WatchdogDll");

    public static string Project { get; } = Metadata("WatchdogProject");

    private static string Metadata(string key) =>
        typeof(WatchdogLocation).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is missing");
}
