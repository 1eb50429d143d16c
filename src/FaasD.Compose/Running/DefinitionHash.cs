using System.Security.Cryptography;

namespace FaasD.Compose.Running;

/// <summary>
/// A stable fingerprint of everything the container is created from. Built from the resolved spec (not the YAML
/// text), so reformatting the file or reordering keys changes nothing, while a changed env_file value does.
/// </summary>
internal static class DefinitionHash
{
    public static string Of(ContainerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = new StringBuilder();
        Field(text, "image", spec.Image);
        Field(text, "args", spec.Args);
        Field(text, "env", spec.Env.Order(StringComparer.Ordinal));
        Field(text, "user", spec.User);
        Field(text, "hostname", spec.Hostname);
        Field(text, "mounts", spec.Mounts.Select(m => $"{m.Source}:{m.Destination}:{(m.ReadOnly ? "ro" : "rw")}"));
        Field(text, "caps", spec.Capabilities);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    // Length-prefixed values, so no choice of characters in one field can imitate another field.
    private static void Field(StringBuilder text, string name, string? value) =>
        text.Append(name).Append('=').Append(value is null ? "-" : $"{value.Length}:{value}").Append('\n');

    private static void Field(StringBuilder text, string name, IEnumerable<string>? values)
    {
        if (values is null)
        {
            Field(text, name, (string?)null);
            return;
        }

        var list = values.ToList();
        text.Append(name).Append('[').Append(list.Count).Append("]\n");
        foreach (var value in list)
        {
            Field(text, " ", value);
        }
    }
}
