namespace FaasD.Images.Platforms;

/// <summary>
/// Which image platforms run on a host, and which is best: the exact match first, then (on 32-bit ARM) older
/// ARM variants the CPU also executes — the rule containerd's default matcher applies.
/// </summary>
public sealed class PlatformMatcher
{
    private readonly Platform _host;

    public PlatformMatcher(Platform host) => _host = Platform.Normalize(host);

    public static PlatformMatcher ForHost { get; } = new(Platform.Host);

    public Platform Host => _host;

    public bool Matches(Platform candidate) => Rank(candidate) is not null;

    /// <summary>0 for the best fit, higher for worse ones, null when the platform does not run here.</summary>
    public int? Rank(Platform candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var platform = Platform.Normalize(candidate);
        if (platform.Os != _host.Os || platform.Architecture != _host.Architecture)
        {
            return null;
        }

        if (_host.Architecture == "arm")
        {
            // An ARMv7 CPU runs v7, v6 and v5 code; prefer the newest it supports.
            var hostLevel = ArmLevel(_host.Variant);
            var level = ArmLevel(platform.Variant);
            return level <= hostLevel && level > 0 ? hostLevel - level : null;
        }

        // amd64 variants (v2, v3) are optimisation levels; arm64 is always v8 after normalising.
        return platform.Variant == _host.Variant || _host.Architecture == "amd64" ? 0 : null;
    }

    /// <summary>The best-matching item, or default when none runs here. Ties keep the listed order.</summary>
    public T? Best<T>(IEnumerable<T> items, Func<T, Platform?> platformOf)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(platformOf);
        return items
            .Select((item, position) => (item, position, rank: platformOf(item) is { } platform ? Rank(platform) : null))
            .Where(candidate => candidate.rank is not null)
            .OrderBy(candidate => candidate.rank)
            .ThenBy(candidate => candidate.position)
            .Select(candidate => candidate.item)
            .FirstOrDefault();
    }

    private static int ArmLevel(string variant) => variant is ['v', var digit] && char.IsAsciiDigit(digit) ? digit - '0' : 0;
}
