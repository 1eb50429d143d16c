using System.ComponentModel;
using System.Diagnostics;

namespace FaasD.Network.Iptables;

/// <summary>
/// <see cref="IMasqueradeRules"/> through the iptables tools, with the same commands the bridge plugin's DEL would run
/// (IPv4; <c>-w</c> waits for the xtables lock as the plugins do).
/// </summary>
internal sealed class IptablesMasqueradeRules : IMasqueradeRules
{
    public async Task<IReadOnlyList<CniMasquerade>> ListAsync(CancellationToken cancellationToken)
    {
        var (exitCode, output, errors) = await RunAsync("iptables-save", ["-t", "nat"], cancellationToken);
        return exitCode == 0
            ? CniMasquerade.Parse(output)
            : throw new NetworkException($"iptables-save -t nat exited {exitCode}: {errors.Trim()}");
    }

    public async Task RemoveAsync(CniMasquerade masquerade, CancellationToken cancellationToken)
    {
        // Exit codes are not checked step by step: a rule another DEL removed meanwhile is as good as removed. What
        // counts is that nothing of it is left afterwards.
        foreach (var source in masquerade.Sources)
        {
            await RunAsync("iptables", ["-w", "-t", "nat", "-D", "POSTROUTING", "-s", source, "-j", masquerade.Chain, "-m", "comment", "--comment", masquerade.Comment], cancellationToken);
        }

        if (masquerade.ChainExists)
        {
            await RunAsync("iptables", ["-w", "-t", "nat", "-F", masquerade.Chain], cancellationToken);
            await RunAsync("iptables", ["-w", "-t", "nat", "-X", masquerade.Chain], cancellationToken);
        }

        var left = (await ListAsync(cancellationToken)).Any(other => other.Network == masquerade.Network && other.ContainerId == masquerade.ContainerId);
        if (left)
        {
            throw new NetworkException($"could not remove the masquerade rules of {masquerade.ContainerId} (chain {masquerade.Chain})");
        }
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new NetworkException($"cannot run {file}: {e.Message}", e);
        }

        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        return (process.ExitCode, await output, await errors);
    }
}
