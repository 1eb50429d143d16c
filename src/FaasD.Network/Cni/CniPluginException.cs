namespace FaasD.Network.Cni;

/// <summary>A CNI plugin failed: its own error (<c>{code, msg, details}</c>), a crash without one, or a timeout.</summary>
public sealed class CniPluginException : NetworkException
{
    public CniPluginException(string plugin, string command, CniError error)
        : base(Describe(plugin, command, error))
    {
        Plugin = plugin;
        Command = command;
        Error = error;
    }

    /// <summary>The plugin type, e.g. <c>bridge</c>.</summary>
    public string Plugin { get; }

    /// <summary>ADD, DEL or CHECK.</summary>
    public string Command { get; }

    public CniError Error { get; }

    private static string Describe(string plugin, string command, CniError error)
    {
        var code = error.Code is { } value ? $" (code {value})" : "";
        var details = string.IsNullOrWhiteSpace(error.Details) ? "" : $": {error.Details}";
        return $"CNI plugin '{plugin}' {command} failed{code}: {error.Message}{details}";
    }
}
