using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FaasD.Systemd.Journal;

/// <summary>
/// journald's way for entries larger than a datagram: write the entry into a memfd, seal it so journald
/// can trust it will not change while it reads, and pass only the descriptor (SCM_RIGHTS) in an empty
/// datagram. .NET sockets cannot send ancillary data, hence sendmsg(2) directly.
/// </summary>
internal static class JournalMemfd
{
    private const uint MfdCloexec = 0x1;
    private const uint MfdAllowSealing = 0x2;
    private const int FAddSeals = 1033;
    private const int SealAll = 0x1 | 0x2 | 0x4 | 0x8; // F_SEAL_SEAL | SHRINK | GROW | WRITE
    private const int SolSocket = 1;
    private const int ScmRights = 1;
    private const int MsgDontwait = 0x40;
    private const int MsgNosignal = 0x4000;

    // 64-bit Linux layouts: struct msghdr is 56 bytes; a cmsghdr carrying one int is CMSG_SPACE(4) = 24 bytes.
    private const int MsghdrSize = 56;
    private const int CmsgHeaderSize = 16;
    private const int CmsgSpaceOneFd = 24;

    public static bool TrySend(Socket socket, ReadOnlySpan<byte> entry)
    {
        if (!Environment.Is64BitProcess)
        {
            return false; // the hand-laid structs below are for LP64 only
        }

        var fd = NativeMethods.MemfdCreate("faasd-journal", MfdCloexec | MfdAllowSealing);
        if (fd < 0)
        {
            return false;
        }

        using var memfd = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            RandomAccess.Write(memfd, entry, 0);
        }
        catch (IOException)
        {
            return false;
        }

        return NativeMethods.Fcntl(fd, FAddSeals, SealAll) == 0 && SendDescriptor(socket, fd);
    }

    private static bool SendDescriptor(Socket socket, int fd)
    {
        var message = Marshal.AllocHGlobal(MsghdrSize + CmsgSpaceOneFd);
        try
        {
            var control = message + MsghdrSize;
            for (var offset = 0; offset < MsghdrSize + CmsgSpaceOneFd; offset += 8)
            {
                Marshal.WriteInt64(message, offset, 0);
            }

            // struct msghdr: no name, no iovec (the memfd is the whole entry), one control message.
            Marshal.WriteIntPtr(message, 32, control);              // msg_control
            Marshal.WriteInt64(message, 40, CmsgSpaceOneFd);        // msg_controllen
            // struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; } followed by the fd.
            Marshal.WriteInt64(control, 0, CmsgHeaderSize + sizeof(int));
            Marshal.WriteInt32(control, 8, SolSocket);
            Marshal.WriteInt32(control, 12, ScmRights);
            Marshal.WriteInt32(control, CmsgHeaderSize, fd);

            var handle = socket.SafeHandle;
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                return NativeMethods.SendMsg((int)handle.DangerousGetHandle(), message, MsgDontwait | MsgNosignal) >= 0;
            }
            catch (ObjectDisposedException)
            {
                return false; // the writer replaced its socket meanwhile: the caller falls back to a truncated entry
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }
        finally
        {
            Marshal.FreeHGlobal(message);
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "memfd_create", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int MemfdCreate([MarshalAs(UnmanagedType.LPUTF8Str)] string name, uint flags);

        [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Fcntl(int fd, int command, int argument);

        [DllImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern nint SendMsg(int socket, nint message, int flags);
    }
}
