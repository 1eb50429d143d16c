namespace FaasD.Runtime.Users;

/// <summary>
/// Reads a file of a container's root filesystem straight from the snapshot's directories, without
/// mounting it: a bind mount is one directory; an overlay is its upperdir, then each lowerdir from
/// top to bottom. Whiteouts are not interpreted, which is fine for files an image never deletes
/// (/etc/passwd, /etc/group).
/// </summary>
internal static class RootfsFiles
{
    public static async Task<string?> ReadAsync(IReadOnlyList<RootfsMount> mounts, string path, CancellationToken cancellationToken)
    {
        var relative = path.TrimStart('/');
        foreach (var directory in LayerDirectories(mounts))
        {
            var candidate = Path.Combine(directory, relative);
            if (File.Exists(candidate))
            {
                return await File.ReadAllTextAsync(candidate, cancellationToken);
            }
        }

        return null;
    }

    /// <summary>Directories to search, topmost first.</summary>
    public static IEnumerable<string> LayerDirectories(IReadOnlyList<RootfsMount> mounts)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        foreach (var mount in mounts)
        {
            if (mount.Type == "bind")
            {
                yield return mount.Source;
                continue;
            }

            if (mount.Type != "overlay")
            {
                continue;
            }

            var upper = mount.Options.FirstOrDefault(o => o.StartsWith("upperdir=", StringComparison.Ordinal));
            if (upper is not null)
            {
                yield return upper["upperdir=".Length..];
            }

            var lower = mount.Options.FirstOrDefault(o => o.StartsWith("lowerdir=", StringComparison.Ordinal));
            if (lower is not null)
            {
                foreach (var directory in lower["lowerdir=".Length..].Split(':', StringSplitOptions.RemoveEmptyEntries))
                {
                    yield return directory;
                }
            }
        }
    }
}
