using System.Globalization;

namespace FaasD.Bench;

/// <summary>Command line: <c>[--only gateway,scale,watchdog,runtime] [--duration 10] [--functions 100] [--faasd PATH] [--watchdog PATH]</c>.</summary>
internal sealed record BenchOptions
{
    public static readonly string[] AllBenchmarks = ["gateway", "scale", "watchdog", "runtime", "keepalive", "footprint", "pool", "triggers", "async", "metrics", "replicas"];

    public IReadOnlySet<string> Only { get; init; } = AllBenchmarks.ToHashSet(StringComparer.Ordinal);
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);
    public int DensityCount { get; init; } = 100;
    public string? Faasd { get; init; }
    public string? Watchdog { get; init; }
    public bool WatchdogDirect { get; init; } = true;
    public string? Output { get; init; }

    public const string Usage = """
        faasd-bench [options]
          --only LIST        comma-separated subset of: gateway, scale, watchdog, runtime, keepalive, footprint, pool, triggers, async, metrics, replicas (default: all)
          --duration SECS    length of each load measurement (default 10, at most 10)
          --functions N      functions in the density test (default 100)
          --faasd PATH       faasd apphost or faasd.dll (default: src/FaasD/bin/Release/net10.0/<rid>/faasd)
          --watchdog PATH    a published fwatchdog (default: bench/.artifacts/watchdog/fwatchdog, published on first use)
          --no-watchdog-direct   skip the direct-to-container watchdog runs
          --output PATH      JSON results (default: bench/results/latest.json)
        """;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--only" => options with { Only = ParseOnly(Value()) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Math.Clamp(double.Parse(Value(), CultureInfo.InvariantCulture), 1, 10)) },
                "--functions" => options with { DensityCount = Math.Clamp(int.Parse(Value(), CultureInfo.InvariantCulture), 1, 200) },
                "--faasd" => options with { Faasd = Value() },
                "--watchdog" => options with { Watchdog = Value() },
                "--no-watchdog-direct" => options with { WatchdogDirect = false },
                "--output" => options with { Output = Value() },
                _ => throw new ArgumentException($"unknown argument {args[i]}"),
            };
        }

        return options;
    }

    private static HashSet<string> ParseOnly(string list)
    {
        var set = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var unknown = set.Except(AllBenchmarks).ToList();
        return unknown.Count == 0 ? set : throw new ArgumentException($"unknown benchmark(s) {string.Join(", ", unknown)}; known: {string.Join(", ", AllBenchmarks)}");
    }
}
