namespace FaasD.Network.Cni;

/// <summary>Finds a plugin binary by type in the configured directories, first match wins (like libcni's FindInPath).</summary>
internal sealed class CniPluginLocator
{
    private readonly IReadOnlyList<string> _directories;

    public CniPluginLocator(IEnumerable<string> directories)
    {
        _directories = [.. directories.Where(directory => directory.Length > 0)];
    }

    /// <summary>CNI_PATH for the plugins themselves: bridge and others run host-local from it.</summary>
    public string SearchPath => string.Join(':', _directories);

    /// <summary>Full path of the executable named <paramref name="type"/>; throws naming every directory tried.</summary>
    public string Locate(string type)
    {
        // A type with a slash would escape the plugin directories.
        if (type.Length == 0 || type.Contains('/', StringComparison.Ordinal) || type is "." or "..")
        {
            throw new CniConfigException($"'{type}' is not a valid CNI plugin type");
        }

        foreach (var directory in _directories)
        {
            var candidate = Path.Combine(directory, type);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        throw new CniConfigException($"CNI plugin '{type}' not found in {(_directories.Count == 0 ? "(no plugin directories)" : string.Join(", ", _directories))}");
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
