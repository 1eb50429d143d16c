namespace FaasD.Network.Cni;

/// <summary>A CNI plugin failed: its own error (<c>{code, msg, details}</c>), a crash without one, or a timeout.</summary>
/// <param name="plugin">The plugin type, e.g. <c>bridge</c>.</param>
/// <param name="command">ADD, DEL or CHECK.</param>
public sealed class CniPluginException(string plugin, string command, CniError error) : NetworkException(Describe(plugin, command, error))
{
    public string Plugin { get; } = plugin;
    public string Command { get; } = command;
    public CniError Error { get; } = error;

    private static string Describe(string plugin, string command, CniError error)
    {
        var code = error.Code is { } value ? $" (code {value})" : "";
        var details = string.IsNullOrWhiteSpace(error.Details) ? "" : $": {error.Details}";
        return $"CNI plugin '{plugin}' {command} failed{code}: {error.Message}{details}";
    }
}
