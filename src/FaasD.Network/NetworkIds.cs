using System.Text.RegularExpressions;

namespace FaasD.Network;

/// <summary>
/// An attachment id names the netns file, the state file and the CNI container id, so it must suit all three:
/// the CNI spec's container-id alphabet, and short enough that the state file's temp name stays under NAME_MAX (255).
/// </summary>
public static partial class NetworkIds
{
    public const int MaxLength = 200;

    public static string Validate(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.Length <= MaxLength && Allowed().IsMatch(id)
            ? id
            : throw new ArgumentException(
                $"network id '{id}' must be 1-{MaxLength} characters: a letter or digit, then letters, digits, '_', '.' or '-'", nameof(id));
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex Allowed();
}
