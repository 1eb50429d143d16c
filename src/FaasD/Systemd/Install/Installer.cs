using FaasD.Systemd.Manager;

namespace FaasD.Systemd.Install;

/// <summary>
/// `faasd install`: puts the binary, the unit and the CNI conflist in place, then asks systemd over D-Bus to
/// reload, enable and (re)start containerd and faasd. Safe to run again: it upgrades in place and never
/// touches the state directory's contents (functions, secrets, the password).
/// </summary>
public sealed partial class Installer
{
    public const string ContainerdUnit = "containerd.service";
    public const string FaasdUnit = "faasd.service";

    private const UnixFileMode Executable = (UnixFileMode)0b111_101_101; // 0755
    private const UnixFileMode Readable = (UnixFileMode)0b110_100_100;   // 0644

    private readonly InstallOptions _options;
    private readonly Func<CancellationToken, Task<ISystemdManager>> _connect;
    private readonly Func<bool> _systemdRunning;
    private readonly ILogger<Installer> _logger;

    public Installer(InstallOptions options, Func<CancellationToken, Task<ISystemdManager>> connect, Func<bool> systemdRunning, ILogger<Installer> logger)
    {
        _options = options;
        _connect = connect;
        _systemdRunning = systemdRunning;
        _logger = logger;
    }

    /// <summary>The installer for this machine: real paths, systemd over D-Bus.</summary>
    public static Installer ForSystem(ILogger<Installer> logger) =>
        new(new InstallOptions(), ct => SystemdManager.ConnectAsync(logger, ct), () => SystemdEnvironment.IsSystemdRunning, logger);

    /// <summary>Returns the process exit code; progress and the login hint go to <paramref name="output"/>.</summary>
    public async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!_systemdRunning())
        {
            await output.WriteLineAsync("systemd is not PID 1 here: run `faasd up` directly (install.sh does that for you).");
            return 1;
        }

        await InstallBinaryAsync(cancellationToken);
        await InstallFileAsync(InstallAssets.ServiceUnit, _options.UnitDirectory, cancellationToken);
        await InstallFileAsync(InstallAssets.CniConflist, _options.CniConfDirectory, cancellationToken);
        Directory.CreateDirectory(_options.StateDirectory);

        ISystemdManager systemd;
        try
        {
            systemd = await _connect(cancellationToken);
        }
        catch (SystemdUnreachableException ex)
        {
            // The files are in place; only systemd could not be asked: one line that says why, not a stack trace.
            await output.WriteLineAsync(ex.Message);
            return 1;
        }

        await using (systemd)
        {
            try
            {
                return await EnableAndStartAsync(systemd, output, cancellationToken);
            }
            catch (SystemdUnreachableException ex)
            {
                // A call systemd never answered: the same one line, and a non-zero exit install.sh reports.
                await output.WriteLineAsync(ex.Message);
                return 1;
            }
        }
    }

    /// <summary>daemon-reload, enable both units, start containerd, then start (or restart) faasd and wait for each.</summary>
    private async Task<int> EnableAndStartAsync(ISystemdManager systemd, TextWriter output, CancellationToken cancellationToken)
    {
        await systemd.ReloadAsync(cancellationToken);
        await systemd.EnableUnitFilesAsync([ContainerdUnit, FaasdUnit], runtime: false, force: true, cancellationToken);

        if (!await StartAsync(systemd, ContainerdUnit, restart: false, output, cancellationToken))
        {
            return 1;
        }

        // A running faasd is restarted so it runs the binary just installed; its functions keep running.
        var running = await systemd.GetUnitActiveStateAsync(FaasdUnit, cancellationToken) == "active";
        if (!await StartAsync(systemd, FaasdUnit, restart: running, output, cancellationToken))
        {
            return 1;
        }

        await output.WriteLineAsync($"faasd is running ({(running ? "restarted" : "started")}). Log in with:");
        await output.WriteLineAsync($"  cat {_options.PasswordFile} | faas-cli login --username admin --password-stdin");
        return 0;
    }

    private async Task<bool> StartAsync(ISystemdManager systemd, string unit, bool restart, TextWriter output, CancellationToken cancellationToken)
    {
        var job = restart
            ? await systemd.RestartUnitAsync(unit, "replace", cancellationToken)
            : await systemd.StartUnitAsync(unit, "replace", cancellationToken);

        // The unit's state right after queuing says nothing (a restart still reads "active"): wait for the job.
        var result = await systemd.WaitForJobAsync(job, _options.StartTimeout, cancellationToken);
        Log.JobFinished(_logger, unit, job, result ?? $"still running after {_options.StartTimeout.TotalSeconds:0} s");
        var state = await systemd.GetUnitActiveStateAsync(unit, cancellationToken);
        Log.UnitState(_logger, unit, state);
        if (state == "active")
        {
            return true;
        }

        await output.WriteLineAsync($"{unit} did not become active (state: {state}); see `journalctl -u {unit}`.");
        return false;
    }

    private async Task InstallBinaryAsync(CancellationToken cancellationToken)
    {
        var source = _options.SourceBinary ?? Environment.ProcessPath
            ?? throw new InvalidOperationException("Cannot tell which file this process runs from.");
        var target = _options.BinaryPath;
        if (File.Exists(target) && SameFile(source, target))
        {
            Log.BinaryAlreadyInPlace(_logger, target);
            return;
        }

        await using var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await ReplaceFileAsync(from, target, Executable, cancellationToken);
        Log.Installed(_logger, target);
    }

    private async Task InstallFileAsync(string fileName, string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, fileName);
        using var content = new MemoryStream(InstallAssets.Load(fileName, _options.AssetDirectory));
        await ReplaceFileAsync(content, path, Readable, cancellationToken);
        Log.Installed(_logger, path);
    }

    /// <summary>
    /// Write beside the target, flush to disk, then rename over it: rename(2) is atomic and, unlike writing in
    /// place, works while the old binary is running (ETXTBSY); the old process keeps its now-unlinked inode.
    /// </summary>
    private static async Task ReplaceFileAsync(Stream content, string target, UnixFileMode mode, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(target))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var to = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode, Options = FileOptions.Asynchronous }))
            {
                await content.CopyToAsync(to, cancellationToken);
                to.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static bool SameFile(string a, string b) =>
        string.Equals(Path.GetFullPath(ResolveLinks(a)), Path.GetFullPath(ResolveLinks(b)), StringComparison.Ordinal);

    private static string ResolveLinks(string path) => File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Installed, Level = LogLevel.Information, Message = "Installed {Path}")] public static partial void Installed(ILogger logger, string path);

        [LoggerMessage(EventId = LogEvents.BinaryAlreadyInPlace, Level = LogLevel.Information, Message = "{Path} is the running binary already; not copied")] public static partial void BinaryAlreadyInPlace(ILogger logger, string path);

        [LoggerMessage(EventId = LogEvents.UnitState, Level = LogLevel.Information, Message = "{Unit} is {State}")] public static partial void UnitState(ILogger logger, string unit, string state);

        [LoggerMessage(EventId = LogEvents.SystemdJobFinished, Level = LogLevel.Information, Message = "{Unit}: job {Job} finished: {Result}")] public static partial void JobFinished(ILogger logger, string unit, string job, string result);
    }
}
