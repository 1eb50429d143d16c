using System.Runtime.InteropServices;

namespace FaasD.Compose.Running;

/// <summary>
/// Makes sure every mount source exists before the container is created (runc refuses a missing source).
/// Sources are only ever created, never emptied or removed: they hold the services' data.
/// </summary>
internal static partial class BindSources
{
    private const UnixFileMode DirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void Prepare(ServiceDefinition service, string secretsDirectory)
    {
        var owner = NumericOwner(service.User);
        foreach (var volume in service.Volumes)
        {
            if (File.Exists(volume.Source) || Directory.Exists(volume.Source))
            {
                continue;
            }

            // faasd's rule: a missing source that looks like a file (has an extension) or is a secret is the
            // user's mistake to fix; anything else is a data directory we may create.
            var looksLikeFile = Path.HasExtension(volume.Source) && !volume.IsNamedVolume;
            if (looksLikeFile || IsUnder(volume.Source, secretsDirectory))
            {
                throw new ComposeException($"volume source {volume.Source} does not exist", line: null, service.Name);
            }

            Directory.CreateDirectory(volume.Source, DirectoryMode);
            if (owner is { } id && Libc.chown(volume.Source, id.Uid, id.Gid) != 0)
            {
                throw new ComposeException(
                    $"cannot give {volume.Source} to {service.User} (errno {Marshal.GetLastPInvokeError()})", line: null, service.Name);
            }
        }
    }

    /// <summary>A numeric <c>user: uid[:gid]</c> owns the directories created for it, so it can write its data.</summary>
    private static (uint Uid, uint Gid)? NumericOwner(string? user)
    {
        if (user is null)
        {
            return null;
        }

        var parts = user.Split(':');
        if (!uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
        {
            return null;
        }

        // Without a numeric group the group id follows the user id, like nobody:nogroup (65534:65534).
        return parts.Length > 1 && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var gid) ? (uid, gid) : (uid, uid);
    }

    private static bool IsUnder(string path, string directory) =>
        path.StartsWith(directory.TrimEnd('/') + "/", StringComparison.Ordinal);
}
