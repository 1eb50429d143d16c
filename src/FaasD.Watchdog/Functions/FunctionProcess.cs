using System.ComponentModel;
using System.Diagnostics;

namespace FaasD.Watchdog.Functions;

/// <summary>One run of <c>fprocess</c> with all three standard streams as pipes.</summary>
internal sealed class FunctionProcess : IDisposable
{
    private readonly Process _process;

    private FunctionProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public Stream StandardInput => _process.StandardInput.BaseStream;

    public Stream StandardOutput => _process.StandardOutput.BaseStream;

    public Stream StandardError => _process.StandardError.BaseStream;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the command with the watchdog's environment plus <paramref name="extraEnvironment"/>.</summary>
    /// <exception cref="FunctionStartException">The program is missing or not executable.</exception>
    public static FunctionProcess Start(IReadOnlyList<string> command, IReadOnlyDictionary<string, string>? extraEnvironment)
    {
        var startInfo = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        for (var i = 1; i < command.Count; i++)
        {
            startInfo.ArgumentList.Add(command[i]);
        }

        if (extraEnvironment is not null)
        {
            foreach (var (name, value) in extraEnvironment)
            {
                startInfo.Environment[name] = value;
            }
        }

        try
        {
            var process = Process.Start(startInfo) ?? throw new FunctionStartException($"could not start {command[0]}");
            return new FunctionProcess(process);
        }
        catch (Win32Exception e)
        {
            throw new FunctionStartException($"could not start {command[0]}: {e.Message}", e);
        }
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>
    /// Kills the whole tree: with <c>sh -c</c> style commands the grandchild holds stdout open, and killing only
    /// the direct child would leave the response waiting for it.
    /// </summary>
    public void Kill()
    {
        try
        {
            // The tree walk reads /proc, so skip it on the common path where the function already exited.
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public void Dispose() => _process.Dispose();
}
