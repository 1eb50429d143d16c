using System.Security.Cryptography;

namespace FaasD.Hosting;

/// <summary>
/// The pool's netns names carry a hash of the state directory: daemons sharing a host (tests, several installs) never
/// recover or release each other's pooled namespaces, and the same daemon finds its own again after a kill -9.
/// </summary>
internal static class NetnsPoolPrefix
{
    public static string For(string stateDir) =>
        "faasd-pool-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(stateDir))))[..10];
}
