namespace FaasD.Runtime.Oci;

/// <summary>KEY=VALUE lists merged the way Docker and containerd do: a later entry replaces an earlier one with the same key in place.</summary>
internal static class EnvironmentMerge
{
    public static IReadOnlyList<string> Merge(params IEnumerable<string>[] layers)
    {
        var merged = new List<string>();
        var indexByKey = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            foreach (var entry in layer)
            {
                var key = KeyOf(entry);
                if (key.Length == 0)
                {
                    continue;
                }

                if (indexByKey.TryGetValue(key, out var index))
                {
                    merged[index] = entry;
                }
                else
                {
                    indexByKey[key] = merged.Count;
                    merged.Add(entry);
                }
            }
        }

        return merged;
    }

    public static string KeyOf(string entry)
    {
        var separator = entry.IndexOf('=', StringComparison.Ordinal);
        return separator < 0 ? entry : entry[..separator];
    }
}
