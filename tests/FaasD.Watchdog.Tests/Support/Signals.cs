using System.Runtime.InteropServices;

namespace FaasD.Watchdog.Tests.Support;

internal static class Signals
{
    public const int SIGTERM = 15;
    public const int SIGKILL = 9;

    /// <summary>Sends a signal to one process we started, by id.</summary>
    public static void Send(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
