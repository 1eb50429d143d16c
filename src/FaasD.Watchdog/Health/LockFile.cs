namespace FaasD.Watchdog.Health;

/// <summary>
/// The <c>$TMPDIR/.lock</c> file: its presence is the upstream contract for "healthy", and exec probes
/// (<c>cat /tmp/.lock</c>) read it directly, so it must track readiness rather than just process start.
/// </summary>
internal sealed class LockFile(string path)
{
    public string Path { get; } = path;

    public bool Exists => File.Exists(Path);

    public void Write() => File.WriteAllText(Path, "0\n");

    public void Remove() => File.Delete(Path);

    /// <summary>
    /// Checked once at start: a lock that can never be written would leave health at 503 forever, so an
    /// unwritable TMPDIR (read-only root without a /tmp mount) must stop the watchdog with the reason instead.
    /// </summary>
    /// <returns>Null when writable, else why not.</returns>
    public string? CheckWritable()
    {
        try
        {
            Write();
            Remove();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write lock file {Path}: {e.Message} (mount a writable /tmp, or set suppress_lock=true)";
        }
    }
}
