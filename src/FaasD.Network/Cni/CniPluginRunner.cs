using System.Diagnostics;
using System.Text;

namespace FaasD.Network.Cni;

/// <summary>
/// Executes one plugin binary the way the CNI spec says: parameters in CNI_* environment variables,
/// the network config on stdin, a result or an error on stdout.
/// </summary>
internal sealed class CniPluginRunner
{
    private readonly CniPluginLocator _locator;
    private readonly TimeSpan _timeout;

    public CniPluginRunner(CniPluginLocator locator, TimeSpan timeout)
    {
        _locator = locator;
        _timeout = timeout;
    }

    public CniPluginLocator Locator => _locator;

    /// <summary>Runs the plugin and returns its stdout; a non-zero exit becomes <see cref="CniPluginException"/>.</summary>
    public async Task<string> RunAsync(string command, CniPluginConfig plugin, JsonObject stdin, CniRuntimeArgs args, CancellationToken cancellationToken)
    {
        var path = _locator.Locate(plugin.Type);
        using var process = new Process { StartInfo = StartInfo(path, command, args) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        try
        {
            Start(process, plugin.Type, command);
            var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            await WriteStdinAsync(process, stdin, deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
            var output = await stdout;
            var errors = await stderr;
            return process.ExitCode == 0
                ? output
                : throw new CniPluginException(plugin.Type, command, CniError.FromFailedRun(process.ExitCode, output, errors));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CniPluginException(plugin.Type, command, new CniError(null, $"did not finish within {_timeout.TotalSeconds:0.#} s and was killed", null));
        }
        finally
        {
            KillIfRunning(process);
        }
    }

    private static void Start(Process process, string type, string command)
    {
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // Not executable for us, wrong architecture, a broken interpreter line: the plugin never ran.
            throw new CniPluginException(type, command, new CniError(null, $"cannot execute {process.StartInfo.FileName}: {e.Message}", null));
        }
    }

    private static async Task WriteStdinAsync(Process process, JsonObject stdin, CancellationToken cancellationToken)
    {
        try
        {
            await using var input = process.StandardInput.BaseStream;
            await input.WriteAsync(Encoding.UTF8.GetBytes(stdin.ToJsonString()), cancellationToken);
        }
        catch (IOException)
        {
            // The plugin exited without reading its config (broken pipe); its exit code and output explain why.
        }
    }

    private ProcessStartInfo StartInfo(string path, string command, CniRuntimeArgs args)
    {
        var info = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Our own environment may carry CNI_* from whoever started us; a plugin must see only this call's values.
        foreach (var inherited in info.Environment.Keys.Where(key => key.StartsWith("CNI_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(inherited);
        }

        info.Environment["CNI_COMMAND"] = command;
        info.Environment["CNI_CONTAINERID"] = args.ContainerId;
        info.Environment["CNI_NETNS"] = args.NetnsPath;
        info.Environment["CNI_IFNAME"] = args.InterfaceName;
        info.Environment["CNI_PATH"] = _locator.SearchPath;
        return info;
    }

    private static void KillIfRunning(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped: nothing to kill.
        }
    }
}
