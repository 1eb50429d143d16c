using FaasD.TestSupport.Images;

namespace FaasD.Bench;

/// <summary>What every benchmark shares: the daemon, the report, the test image and the time budget.</summary>
internal sealed record BenchContext(
    BenchDaemon Daemon,
    Report Report,
    TestImage Httpd,
    string Prefix,
    TimeSpan Duration,
    TimeSpan Warmup,
    BenchOptions Options)
{
    public string Name(string suffix) => $"{Prefix}-{suffix}";

    public static void Progress(string message) => Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss.fff} bench: {message}");
}
