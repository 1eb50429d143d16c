namespace FaasD.Runtime.Users;

/// <summary>
/// Private copies of files a container's process must read as its own user (secrets): a bind mount shows the
/// host file's owner and mode unchanged, so a root-owned 0600 secret is unreadable to a function running as uid
/// 1000. Each container gets its own copy, owned by the uid:gid its image runs as, mode 0400, in a root-only
/// directory <c>&lt;root&gt;/&lt;namespace&gt;/&lt;container&gt;/</c>: readable by that function's process and by
/// root, by no other user on the host (the copy's directories are 0700 root; a bind mount needs no search
/// permission on the host path). Removed with the container.
/// </summary>
internal sealed partial class UserOwnedCopies(string root)
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode ReadOnlyForOwner = UnixFileMode.UserRead;

    /// <summary>The spec's mounts with every <see cref="BindMount.OwnedByProcessUser"/> source replaced by its copy.</summary>
    public async Task<IReadOnlyList<BindMount>> PrepareAsync(
        string @namespace, string id, IReadOnlyList<BindMount> mounts, ProcessUser user, CancellationToken cancellationToken)
    {
        if (!mounts.Any(m => m.OwnedByProcessUser))
        {
            return mounts;
        }

        var directory = DirectoryFor(@namespace, id);
        Directory.CreateDirectory(root, PrivateDirectory);
        Directory.CreateDirectory(Path.Combine(root, @namespace), PrivateDirectory);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true); // a crashed create's leftovers
        }

        Directory.CreateDirectory(directory, PrivateDirectory);
        var result = new List<BindMount>(mounts.Count);
        var index = 0;
        foreach (var mount in mounts)
        {
            if (!mount.OwnedByProcessUser)
            {
                result.Add(mount);
                continue;
            }

            var copy = Path.Combine(directory, $"{index++}-{Path.GetFileName(mount.Source)}");
            await CopyOwnedAsync(mount.Source, copy, user, cancellationToken);
            result.Add(mount with { Source = copy });
        }

        return result;
    }

    public void Delete(string @namespace, string id)
    {
        var directory = DirectoryFor(@namespace, id);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private string DirectoryFor(string @namespace, string id) => Path.Combine(root, @namespace, id);

    private static async Task CopyOwnedAsync(string source, string destination, ProcessUser user, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(source, cancellationToken);
        var temp = destination + ".tmp";
        var create = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Share = FileShare.None,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        await using (var stream = new FileStream(temp, create))
        {
            await stream.WriteAsync(bytes, cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        if (Chown(temp, user.Uid, user.Gid) != 0)
        {
            throw new IOException($"chown {temp} to {user.Uid}:{user.Gid} failed (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        }

        File.SetUnixFileMode(temp, ReadOnlyForOwner);
        File.Move(temp, destination, overwrite: true);
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);
}
