using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FaasD.Shared;

/// <summary>
/// The few Linux syscalls .NET does not expose, as glibc has them: network namespaces (unshare, setns, mount),
/// fsync of a directory (atomic files), chown (bind-mount sources). One file, linked as source into every
/// project that needs one of them, like AtomicFile.cs.
/// </summary>
internal static partial class Libc
{
    public const int CloneNewNet = 0x40000000;
    public const ulong MountBind = 0x1000;
    public const ulong MountRecursive = 0x4000;
    public const ulong MountShared = 1 << 20;
    public const int UnmountDetach = 2;

    /// <summary>statfs f_type of the namespace filesystem: what a live netns bind mount reports.</summary>
    public const long NsfsMagic = 0x6e736673;

    public const int ENOENT = 2;
    public const int EINVAL = 22;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int unshare(int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setns(int fd, int nstype);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mount(string? source, string target, string? filesystemType, ulong flags, nint data);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int umount2(string target, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statfs(string path, ref StatfsBuffer buffer);

    [LibraryImport("libc")]
    public static partial int gettid();

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fsync(int fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseNative(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chown(string path, uint owner, uint group);

    /// <summary>
    /// A read-only descriptor for paths .NET will not open: directories (to fsync them) and namespace files (to setns).
    /// Close-on-exec, so plugins we start never inherit it.
    /// </summary>
    public static Descriptor OpenReadOnly(string path)
    {
        const int readOnlyCloseOnExec = 0x80000;
        var fd = OpenNative(path, readOnlyCloseOnExec);
        return fd >= 0 ? new Descriptor(fd) : throw new IOException($"cannot open {path}: {LastError().Text}");
    }

    public readonly struct Descriptor(int fd) : IDisposable
    {
        public int Fd { get; } = fd;

        public void Dispose() => _ = CloseNative(Fd);
    }

    /// <summary>Room for struct statfs (120 bytes on 64-bit Linux); only f_type, the first field, is read.</summary>
    [InlineArray(16)]
    public struct StatfsBuffer
    {
        private long _element;
    }

    /// <summary>The errno of the last failed call above, with its text, for exception messages.</summary>
    public static (int Errno, string Text) LastError()
    {
        var errno = Marshal.GetLastPInvokeError();
        return (errno, Marshal.GetPInvokeErrorMessage(errno));
    }
}
