namespace FaasD.Network.Namespaces;

/// <summary>
/// Named network namespaces as <c>ip netns</c> makes them: an empty file under the netns directory with the
/// namespace bind-mounted onto it, so the namespace lives on without any process in it.
/// Done in-process: unshare(CLONE_NEWNET) on a dedicated thread (see <see cref="DedicatedThread"/>), bind mount of
/// that thread's /proc/self/task/&lt;tid&gt;/ns/net, then the thread returns to its old namespace and ends.
/// </summary>
internal sealed class NamedNetworkNamespaces
{
    private readonly string _directory;
    // Static: two instances making the directory shared at once would otherwise stack two self bind mounts.
    private static readonly Lock DirectoryGate = new();
    private bool _directoryShared;

    public NamedNetworkNamespaces(string directory)
    {
        _directory = directory;
    }

    public string PathFor(string name) => Path.Combine(_directory, name);

    /// <summary>True when the path is a live namespace (a bind mount of nsfs), not just a leftover file.</summary>
    public static bool IsNamespace(string path)
    {
        var buffer = default(Libc.StatfsBuffer);
        return Libc.statfs(path, ref buffer) == 0 && buffer[0] == Libc.NsfsMagic;
    }

    /// <summary>Creates the namespace unless it is already there; true when it was created by this call.</summary>
    public async Task<bool> EnsureAsync(string name, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathFor(name);
        if (IsNamespace(path))
        {
            return false;
        }

        MakeDirectoryShared();

        // A file without a mount is what a crash between create and mount leaves behind; it is reused.
        using (File.Open(path, FileMode.OpenOrCreate, FileAccess.Read))
        {
        }

        try
        {
            await DedicatedThread.RunAsync($"netns {name}", () => MountNewNamespace(path));
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        return true;
    }

    /// <summary>Unmounts (lazily, so holders such as a running task keep theirs) and unlinks; a missing namespace is fine.</summary>
    public static void Remove(string path)
    {
        // Loop because a path may carry several stacked mounts; EINVAL means nothing is mounted there any more.
        for (var attempt = 0; attempt < 16 && Libc.umount2(path, Libc.UnmountDetach) == 0; attempt++)
        {
        }

        var (errno, text) = Libc.LastError();
        if (errno is not (Libc.EINVAL or Libc.ENOENT) && IsNamespace(path))
        {
            throw new NetworkException($"cannot unmount network namespace {path}: {text}");
        }

        // On a fresh host /var/run/netns does not exist until the first namespace is made.
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private static bool MountNewNamespace(string path)
    {
        using var original = Libc.OpenReadOnly("/proc/thread-self/ns/net");
        if (Libc.unshare(Libc.CloneNewNet) != 0)
        {
            throw new NetworkException($"unshare(CLONE_NEWNET) failed: {Libc.LastError().Text}");
        }

        try
        {
            var threadNamespace = $"/proc/self/task/{Libc.gettid()}/ns/net";
            if (Libc.mount(threadNamespace, path, "none", Libc.MountBind, 0) != 0)
            {
                throw new NetworkException($"cannot bind-mount {threadNamespace} onto {path}: {Libc.LastError().Text}");
            }
        }
        finally
        {
            // The thread ends right after this anyway; going back first means even its last moments run in the host namespace.
            _ = Libc.setns(original.Fd, Libc.CloneNewNet);
        }

        return true;
    }

    /// <summary>
    /// Like iproute2: the netns directory becomes a shared mount (bind-mounted onto itself first if it is not a mount point),
    /// so namespace mounts propagate into mount namespaces copied later and their unmount propagates too.
    /// </summary>
    private void MakeDirectoryShared()
    {
        lock (DirectoryGate)
        {
            if (_directoryShared)
            {
                return;
            }

            Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            if (Libc.mount("", _directory, "none", Libc.MountShared | Libc.MountRecursive, 0) != 0)
            {
                if (Libc.LastError().Errno != Libc.EINVAL
                    || Libc.mount(_directory, _directory, "none", Libc.MountBind | Libc.MountRecursive, 0) != 0
                    || Libc.mount("", _directory, "none", Libc.MountShared | Libc.MountRecursive, 0) != 0)
                {
                    throw new NetworkException($"cannot make {_directory} a shared mount: {Libc.LastError().Text}");
                }
            }

            _directoryShared = true;
        }
    }
}
