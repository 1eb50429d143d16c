namespace FaasD.Runtime.Cgroups;

internal enum FreezerState
{
    Thawed,

    /// <summary>Freeze requested but some task has not stopped yet.</summary>
    Freezing,
    Frozen,
}

/// <summary>Reads the freezer files of both cgroup versions.</summary>
internal static class FreezerStateParser
{
    /// <summary>v1 <c>freezer.state</c>: THAWED, FREEZING or FROZEN.</summary>
    public static FreezerState ParseV1State(string content) =>
        content.Trim() switch
        {
            "THAWED" => FreezerState.Thawed,
            "FREEZING" => FreezerState.Freezing,
            "FROZEN" => FreezerState.Frozen,
            var other => throw new FormatException($"unknown freezer.state '{other}'"),
        };

    /// <summary>
    /// v2: <c>cgroup.events</c> says whether the cgroup is frozen ("frozen 1"); <c>cgroup.freeze</c> says whether
    /// that was asked for. Asked but not yet frozen is Freezing.
    /// </summary>
    public static FreezerState ParseV2State(string events, string freeze)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (IsFrozen(events))
        {
            return FreezerState.Frozen;
        }

        return freeze.Trim() == "1" ? FreezerState.Freezing : FreezerState.Thawed;
    }

    /// <summary>True when a v2 <c>cgroup.events</c> file has the line <c>frozen 1</c>.</summary>
    public static bool IsFrozen(string events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var line in events.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts is ["frozen", var value])
            {
                return value == "1";
            }
        }

        return false;
    }
}
