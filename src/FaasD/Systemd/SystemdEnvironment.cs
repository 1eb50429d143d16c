namespace FaasD.Systemd;

/// <summary>Facts about how systemd runs this process, read the same cheap ways libsystemd does.</summary>
public static class SystemdEnvironment
{
    /// <summary>sd_booted(3): systemd is PID 1 exactly when this directory exists.</summary>
    public static bool IsSystemdRunning => Directory.Exists("/run/systemd/system");

    /// <summary>
    /// True when stdout is connected to journald: systemd sets JOURNAL_STREAM to "device:inode" of the stream
    /// it hands the service, and a child whose stdout was redirected elsewhere must not act on the variable.
    /// </summary>
    public static bool StdoutIsJournal => IsJournalStream(Environment.GetEnvironmentVariable("JOURNAL_STREAM"), StdoutInode());

    public static bool IsJournalStream(string? journalStream, string? stdoutInode)
    {
        if (string.IsNullOrEmpty(journalStream) || string.IsNullOrEmpty(stdoutInode))
        {
            return false;
        }

        var colon = journalStream.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && journalStream[(colon + 1)..] == stdoutInode;
    }

    /// <summary>The inode of fd 1 from its /proc link ("socket:[12345]"), without a P/Invoke for fstat.</summary>
    private static string? StdoutInode()
    {
        try
        {
            var target = new FileInfo("/proc/self/fd/1").LinkTarget;
            if (target is null || !target.StartsWith("socket:[", StringComparison.Ordinal) || !target.EndsWith(']'))
            {
                return null;
            }

            return target["socket:[".Length..^1];
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
