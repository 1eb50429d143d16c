using System.Diagnostics;

namespace FaasD.TestSupport.Images;

/// <summary>The applets of this machine's static busybox, at the install paths busybox itself reports.</summary>
internal static class BusyboxApplets
{
    public const string BusyboxPath = "/bin/busybox";

    private static readonly Lazy<IReadOnlyList<string>> s_applets = new(Query);

    public static IReadOnlyList<string> List() => s_applets.Value;

    private static IReadOnlyList<string> Query()
    {
        if (!File.Exists(BusyboxPath))
        {
            throw new FileNotFoundException($"{BusyboxPath} is missing: install busybox-static (test.sh does)", BusyboxPath);
        }

        // Runs once per test process and takes milliseconds; --list-full prints "bin/sh", "usr/bin/env" …
        using var process = Process.Start(new ProcessStartInfo(BusyboxPath, "--list-full") { RedirectStandardOutput = true })
            ?? throw new InvalidOperationException($"could not start {BusyboxPath}");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => "/" + line)
            .ToArray();
    }
}
