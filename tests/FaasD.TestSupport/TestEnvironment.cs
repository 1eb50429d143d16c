using NUnit.Framework;

namespace FaasD.TestSupport;

/// <summary>Where the real daemons the integration tests talk to live; test.sh starts them.</summary>
public static class TestEnvironment
{
    /// <summary>The local docker-registry test.sh runs, bound to loopback only.</summary>
    public static string Registry { get; } = Get("FAASD_TEST_REGISTRY", "127.0.0.1:5000");

    public static string ContainerdSocket { get; } = Get("FAASD_TEST_CONTAINERD_SOCKET", "/run/containerd/containerd.sock");

    /// <summary>Tests use their own bridge and subnet so they never touch a running daemon's openfaas0.</summary>
    public static string TestBridge { get; } = Get("FAASD_TEST_BRIDGE", "faasdtest0");

    public static string TestSubnet { get; } = Get("FAASD_TEST_SUBNET", "10.63.0.0/16");

    public static bool IsRoot => Environment.UserName == "root" || geteuid() == 0;

    /// <summary>Integration tests call this first: not root means an explicit skip with the reason, never a silent pass.</summary>
    public static void RequireRoot()
    {
        if (!IsRoot)
        {
            Assert.Ignore("skipped: needs root");
        }
    }

    /// <summary>Fails (not skips) when containerd is missing: test.sh is responsible for starting it.</summary>
    public static void RequireContainerd()
    {
        RequireRoot();
        if (!File.Exists(ContainerdSocket))
        {
            Assert.Fail($"containerd socket {ContainerdSocket} not found: run ./test.sh, which installs and starts containerd");
        }
    }

    /// <summary>A short unique suffix so parallel and repeated runs never collide on names.</summary>
    public static string UniqueSuffix() => Guid.NewGuid().ToString("N")[..8];

    private static string Get(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();
}
