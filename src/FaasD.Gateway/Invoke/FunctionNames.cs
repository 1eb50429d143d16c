using System.Collections.Concurrent;

namespace FaasD.Gateway.Invoke;

/// <summary>
/// Function and namespace names parsed from <c>/function/{name}</c>, shared instead of allocated per request: a warm
/// invocation looks its name up by span and gets the same string every time. Bounded, so a client that requests
/// many made-up names fills it once and then only costs the allocation it would have cost anyway.
/// </summary>
internal static class FunctionNames
{
    private const int Capacity = 4096;
    private static readonly ConcurrentDictionary<string, string> s_names = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> s_bySpan =
        s_names.GetAlternateLookup<ReadOnlySpan<char>>();

    public static string Get(ReadOnlySpan<char> name)
    {
        if (s_bySpan.TryGetValue(name, out var known))
        {
            return known;
        }

        var created = name.ToString();
        return s_names.Count < Capacity ? s_names.GetOrAdd(created, created) : created;
    }
}
