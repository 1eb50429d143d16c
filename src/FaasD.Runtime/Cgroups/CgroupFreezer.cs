using System.Text;

namespace FaasD.Runtime.Cgroups;

/// <summary>
/// Freezes and thaws a cgroup by writing its freezer file directly: about ten times faster than a
/// Tasks.Pause round trip through containerd, shim and runc, which matters on the wake-up path.
/// v1: <c>freezer.state</c> FROZEN/THAWED; v2: <c>cgroup.freeze</c> 1/0 with <c>cgroup.events</c> reporting the result.
/// </summary>
internal sealed class CgroupFreezer(CgroupHost host, RuntimeOptions options, TimeProvider time)
{
    // A v1 freeze can stall in FREEZING, for instance while a process forks: writing FROZEN again makes the
    // kernel retry, and now and then a short thaw lets stragglers settle (runc's v1 freezer does the same).
    private const int PollsBetweenRefreezes = 10;
    private const int PollsBetweenThaws = 20;
    private static readonly TimeSpan s_thawPause = TimeSpan.FromMilliseconds(10);

    /// <summary>The freezer state of the cgroup, or null when the cgroup does not exist (no task).</summary>
    public async Task<FreezerState?> GetStateAsync(string cgroupsPath, CancellationToken cancellationToken)
    {
        var (directory, version) = await LocateAsync(cgroupsPath, cancellationToken);
        try
        {
            return await ReadStateAsync(directory, version, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Freezes every process of the cgroup and returns once the kernel reports it frozen.</summary>
    public async Task FreezeAsync(string cgroupsPath, CancellationToken cancellationToken)
    {
        var (directory, version) = await LocateAsync(cgroupsPath, cancellationToken);
        await RequestAsync(directory, version, freeze: true, cancellationToken);

        var deadline = time.GetUtcNow() + options.FreezeTimeout;
        for (var poll = 1; ; poll++)
        {
            if (await ReadStateAsync(directory, version, cancellationToken) == FreezerState.Frozen)
            {
                return;
            }

            if (time.GetUtcNow() > deadline)
            {
                // Never leave a function half frozen: it would neither serve nor be reported paused.
                await RequestAsync(directory, version, freeze: false, CancellationToken.None);
                throw new RuntimeException(RuntimeErrorKind.Internal, $"cgroup {cgroupsPath} did not freeze within {options.FreezeTimeout}");
            }

            if (version == CgroupVersion.V1 && poll % PollsBetweenThaws == 0)
            {
                await RequestAsync(directory, version, freeze: false, cancellationToken);
                await Task.Delay(s_thawPause, time, cancellationToken);
                await RequestAsync(directory, version, freeze: true, cancellationToken);
            }
            else if (version == CgroupVersion.V1 && poll % PollsBetweenRefreezes == 0)
            {
                await RequestAsync(directory, version, freeze: true, cancellationToken);
            }

            // The first checks are cheap yields: a freeze usually settles within a millisecond.
            if (poll < 5)
            {
                await Task.Yield();
            }
            else
            {
                await Task.Delay(TimeSpan.FromMilliseconds(1), time, cancellationToken);
            }
        }
    }

    /// <summary>Thaws the cgroup; a no-op when it is not frozen.</summary>
    public async Task ThawAsync(string cgroupsPath, CancellationToken cancellationToken)
    {
        var (directory, version) = await LocateAsync(cgroupsPath, cancellationToken);
        await RequestAsync(directory, version, freeze: false, cancellationToken);
    }

    private async Task<(string Directory, CgroupVersion Version)> LocateAsync(string cgroupsPath, CancellationToken cancellationToken)
    {
        var info = await host.GetAsync(cancellationToken);
        var directory = info.Layout.FreezerDirectoryOf(cgroupsPath)
            ?? throw new RuntimeException(RuntimeErrorKind.FailedPrecondition, "this host has no cgroup freezer");
        return (directory, info.Layout.Version);
    }

    private static async Task RequestAsync(string directory, CgroupVersion version, bool freeze, CancellationToken cancellationToken)
    {
        var (file, value) = version == CgroupVersion.V1
            ? ("freezer.state", freeze ? "FROZEN" : "THAWED")
            : ("cgroup.freeze", freeze ? "1" : "0");
        var path = Path.Combine(directory, file);
        try
        {
            // Like a shell's "echo 1 > file": never create (a missing file means no cgroup), unbuffered so the
            // value goes down in exactly one write, which is what cgroup files take.
            await using var stream = new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(value), cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RuntimeException(RuntimeErrorKind.NotFound, $"cgroup {directory} does not exist (no running task)", e);
        }
    }

    private static async Task<FreezerState> ReadStateAsync(string directory, CgroupVersion version, CancellationToken cancellationToken)
    {
        if (version == CgroupVersion.V1)
        {
            return FreezerStateParser.ParseV1State(await File.ReadAllTextAsync(Path.Combine(directory, "freezer.state"), cancellationToken));
        }

        var events = await File.ReadAllTextAsync(Path.Combine(directory, "cgroup.events"), cancellationToken);
        if (FreezerStateParser.IsFrozen(events))
        {
            return FreezerState.Frozen;
        }

        var requested = await File.ReadAllTextAsync(Path.Combine(directory, "cgroup.freeze"), cancellationToken);
        return FreezerStateParser.ParseV2State(events, requested);
    }
}
