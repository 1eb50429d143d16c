using System.Security.Cryptography;
using FaasD.Shared;

namespace FaasD.Configuration;

/// <summary>
/// Prepares the state directory on start: basic-auth credentials (created once, never overwritten),
/// and the hosts and resolv.conf files that are bind-mounted into every function.
/// </summary>
public static class StateDirectory
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDir = Private | UnixFileMode.UserExecute;
    private const UnixFileMode Public = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static string UserFile(DaemonSettings s) => Path.Combine(s.SecretsDir, "basic-auth-user");
    public static string PasswordFile(DaemonSettings s) => Path.Combine(s.SecretsDir, "basic-auth-password");
    public static string HostsFile(DaemonSettings s) => Path.Combine(s.StateDir, "hosts");
    public static string ResolvConfFile(DaemonSettings s) => Path.Combine(s.StateDir, "resolv.conf");

    public static async Task<(string User, string Password)> PrepareAsync(DaemonSettings settings, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.StateDir);
        RestrictToRoot(settings.SecretsDir);
        RestrictToRoot(settings.LogsDir);

        if (!File.Exists(UserFile(settings)))
        {
            await AtomicFile.WriteAsync(UserFile(settings), "admin"u8.ToArray(), Private, cancellationToken);
        }

        if (!File.Exists(PasswordFile(settings)))
        {
            await AtomicFile.WriteAsync(PasswordFile(settings), Encoding.ASCII.GetBytes(NewPassword()), Private, cancellationToken);
        }

        if (!File.Exists(HostsFile(settings)))
        {
            await AtomicFile.WriteAsync(HostsFile(settings), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"u8.ToArray(), Public, cancellationToken);
        }

        if (!File.Exists(ResolvConfFile(settings)))
        {
            await AtomicFile.WriteAsync(ResolvConfFile(settings), Encoding.ASCII.GetBytes(ResolvConfForFunctions()), Public, cancellationToken);
        }

        var user = (await File.ReadAllTextAsync(UserFile(settings), cancellationToken)).Trim();
        var password = (await File.ReadAllTextAsync(PasswordFile(settings), cancellationToken)).Trim();
        return (user, password);
    }

    /// <summary>
    /// Secrets and captured function output are root's alone, checked at every start rather than only when created:
    /// a directory someone loosened by hand (or an older version left 0755) is tightened again. Secret files are
    /// 0600; the copies functions read are made per container (see the runtime's user-owned mounts).
    /// </summary>
    private static void RestrictToRoot(string directory)
    {
        Directory.CreateDirectory(directory, PrivateDir);
        File.SetUnixFileMode(directory, PrivateDir);
        if (Path.GetFileName(directory) != "secrets")
        {
            return;
        }

        foreach (var namespaceDir in Directory.EnumerateDirectories(directory))
        {
            File.SetUnixFileMode(namespaceDir, PrivateDir);
            if (Path.GetFileName(namespaceDir).StartsWith('.'))
            {
                continue; // the runtime's per-container copies keep their owner's 0400
            }

            foreach (var file in Directory.EnumerateFiles(namespaceDir))
            {
                File.SetUnixFileMode(file, Private);
            }
        }
    }

    /// <summary>63 characters of letters and digits, like faasd, so it pastes cleanly into any shell.</summary>
    private static string NewPassword()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return RandomNumberGenerator.GetString(alphabet, 63);
    }

    /// <summary>
    /// The host's nameservers, unless they are loopback stubs (systemd-resolved's 127.0.0.53) that a function in
    /// its own network namespace cannot reach; then public resolvers, as faasd does.
    /// </summary>
    private static string ResolvConfForFunctions()
    {
        var servers = File.Exists("/etc/resolv.conf")
            ? File.ReadAllLines("/etc/resolv.conf")
                .Select(l => l.Trim())
                .Where(l => l.StartsWith("nameserver ", StringComparison.Ordinal))
                .Select(l => l["nameserver ".Length..].Trim())
                .Where(ip => !ip.StartsWith("127.", StringComparison.Ordinal) && ip != "::1")
                .ToList()
            : [];
        if (servers.Count == 0)
        {
            servers = ["8.8.8.8", "8.8.4.4"];
        }

        return string.Concat(servers.Select(s => $"nameserver {s}\n"));
    }
}
