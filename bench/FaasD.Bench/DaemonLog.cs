using System.Globalization;
using System.Text.RegularExpressions;

namespace FaasD.Bench;

/// <summary>Reads the daemon's log lines (<c>HH:mm:ss.fff LVL Source: message</c>) for lifecycle phases.</summary>
internal static partial class DaemonLog
{
    /// <summary>A transition the function handle logged: "name.ns: Start started" / "name.ns: Pause done in 1.2 ms".</summary>
    public static IEnumerable<(TimeSpan At, string Kind, double? ElapsedMs)> Transitions(IEnumerable<string> lines, string name)
    {
        var pattern = new Regex($@"^(\d\d:\d\d:\d\d\.\d{{3}}) \w{{3}} \S+: {Regex.Escape(name)}\.{Regex.Escape(BenchDaemon.Namespace)}: (Pause|Resume|Start|Stop) (started|done in ([\d.]+) ms)", RegexOptions.CultureInvariant);
        foreach (var line in lines)
        {
            if (pattern.Match(line) is { Success: true } m)
            {
                yield return (Time(m.Groups[1].Value), m.Groups[2].Value + (m.Groups[4].Success ? " done" : " started"),
                    m.Groups[4].Success ? double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture) : null);
            }
        }
    }

    /// <summary>
    /// The phases of each task start of <paramref name="name"/> (src/FaasD.Functions/Waking/TaskStarter.cs logs them):
    /// containerd's task create + start, the function's own start until its port accepts, its readiness answer.
    /// </summary>
    public static IEnumerable<(double TaskMs, double PortMs, double ReadyMs)> StartPhases(IEnumerable<string> lines, string name)
    {
        var pattern = new Regex($@": {Regex.Escape(name)}\.{Regex.Escape(BenchDaemon.Namespace)}: \S+ ready: task running in ([\d.]+) ms, port open ([\d.]+) ms later, readiness ([\d.]+) ms later", RegexOptions.CultureInvariant);
        foreach (var line in lines)
        {
            if (pattern.Match(line) is { Success: true } m)
            {
                yield return (Number(m.Groups[1].Value), Number(m.Groups[2].Value), Number(m.Groups[3].Value));
            }
        }
    }

    /// <summary>The runtime's split of each task start of <paramref name="name"/> (ContainerRuntime.Start.cs, Debug).</summary>
    public static IEnumerable<(double PrepareMs, double CreateMs, double StartMs)> TaskTimings(IEnumerable<string> lines, string name)
    {
        var pattern = new Regex($@"Task {Regex.Escape(BenchDaemon.Namespace)}/{Regex.Escape(name)}: lookups and network ([\d.]+) ms, task create ([\d.]+) ms, start ([\d.]+) ms", RegexOptions.CultureInvariant);
        foreach (var line in lines)
        {
            if (pattern.Match(line) is { Success: true } m)
            {
                yield return (Number(m.Groups[1].Value), Number(m.Groups[2].Value), Number(m.Groups[3].Value));
            }
        }
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>The time of the first line (from <paramref name="lines"/>) that contains <paramref name="text"/>.</summary>
    public static TimeSpan? FirstAt(IEnumerable<string> lines, string text)
    {
        foreach (var line in lines)
        {
            if (line.Contains(text, StringComparison.Ordinal) && Stamp().Match(line) is { Success: true } m)
            {
                return Time(m.Groups[1].Value);
            }
        }

        return null;
    }

    private static TimeSpan Time(string stamp) => TimeSpan.ParseExact(stamp, @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(\d\d:\d\d:\d\d\.\d{3}) ")]
    private static partial Regex Stamp();
}
