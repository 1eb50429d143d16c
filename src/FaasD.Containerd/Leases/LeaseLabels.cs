using System.Globalization;

namespace FaasD.Containerd.Leases;

/// <summary>Labels containerd's garbage collector reads on leases and other objects.</summary>
public static class LeaseLabels
{
    /// <summary>RFC 3339 time after which the garbage collector deletes the lease and releases what it held.</summary>
    public const string Expire = "containerd.io/gc.expire";

    /// <summary>
    /// The pid of the FaasD process holding the lease. A lease lives only as long as one operation of one process;
    /// one whose process is gone (killed mid-pull or mid-create) is stale, and the next daemon start deletes it.
    /// </summary>
    public const string OwnerPid = "io.faasd.pid";

    public static string FormatExpiry(DateTimeOffset expiresAt) =>
        expiresAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
