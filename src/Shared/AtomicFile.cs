namespace FaasD.Shared;

/// <summary>
/// Writes that either fully happen or not at all: temp file, fsync, rename, fsync the directory.
/// Shared as source (linked into each project that writes state) so no layer depends on another for it.
/// </summary>
internal static class AtomicFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        WriteAsync(path, content, OwnerOnly, cancellationToken);

    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, UnixFileMode mode, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode };
            await using (var stream = new FileStream(temp, options))
            {
                await stream.WriteAsync(content, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
            FsyncDirectory(directory);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Unlinks and makes the unlink durable, so a crash cannot bring a deleted file back.</summary>
    public static void Delete(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        File.Delete(path);
        FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    private static void FsyncDirectory(string directory)
    {
        // A rename or unlink is durable only once the directory entry is on disk. .NET cannot open a
        // directory as a file handle on Linux, so this goes to libc directly.
        using var handle = Libc.OpenReadOnly(directory);
        if (Libc.fsync(handle.Fd) != 0)
        {
            throw new IOException($"cannot sync {directory}: {Libc.LastError().Text}");
        }
    }
}
