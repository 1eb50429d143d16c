using System.Diagnostics;

namespace FaasD.Chaos.Tests.Support;

/// <summary>Runs a host tool (ip, iptables-save, ctr, pgrep) and returns its standard output.</summary>
internal static class Shell
{
    public static async Task<string> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return await output;
    }

    public static async Task<int> CountLinesAsync(string file, params string[] args) =>
        (await RunAsync(file, args)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
}
