namespace FaasD.Runtime.Users;

/// <summary>
/// Resolves an image's USER string (<c>app</c>, <c>1000</c>, <c>app:staff</c>, <c>1000:50</c>) against the
/// image's own /etc/passwd and /etc/group, the way containerd and Docker do.
/// </summary>
internal sealed class UserDatabase
{
    private readonly List<PasswdEntry> _users;
    private readonly List<GroupEntry> _groups;

    public UserDatabase(string? passwd, string? group)
    {
        _users = ParseLines(passwd, fields => fields.Length >= 4 && uint.TryParse(fields[2], out var uid) && uint.TryParse(fields[3], out var gid)
            ? new PasswdEntry(fields[0], uid, gid)
            : null);
        _groups = ParseLines(group, fields => fields.Length >= 3 && uint.TryParse(fields[2], out var gid)
            ? new GroupEntry(fields[0], gid, fields.Length > 3 ? fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries) : [])
            : null);
    }

    public ProcessUser Resolve(string? user)
    {
        if (string.IsNullOrEmpty(user))
        {
            user = "0";
        }

        var separator = user.IndexOf(':', StringComparison.Ordinal);
        var userPart = separator < 0 ? user : user[..separator];
        var groupPart = separator < 0 ? null : user[(separator + 1)..];

        var entry = uint.TryParse(userPart, out var numericUid)
            ? _users.Find(u => u.Uid == numericUid)
            : _users.Find(u => u.Name == userPart)
                ?? throw new RuntimeException(RuntimeErrorKind.InvalidArgument, $"user '{userPart}' is not in the image's /etc/passwd");
        var uid = entry?.Uid ?? numericUid;

        uint gid;
        if (string.IsNullOrEmpty(groupPart))
        {
            // An unknown numeric uid runs with gid 0, as in containerd.
            gid = entry?.Gid ?? 0;
        }
        else if (!uint.TryParse(groupPart, out gid))
        {
            gid = _groups.Find(g => g.Name == groupPart)?.Gid
                ?? throw new RuntimeException(RuntimeErrorKind.InvalidArgument, $"group '{groupPart}' is not in the image's /etc/group");
        }

        // Supplementary groups come from the user's memberships, unless the group was given explicitly.
        IReadOnlyList<uint> additional = entry is null || groupPart is not null
            ? []
            : [.. _groups.Where(g => g.Gid != gid && g.Members.Contains(entry.Name)).Select(g => g.Gid).Distinct()];
        return new ProcessUser(uid, gid, additional);
    }

    private static List<T> ParseLines<T>(string? content, Func<string[], T?> parse)
        where T : class
    {
        var entries = new List<T>();
        if (content is null)
        {
            return entries;
        }

        foreach (var line in content.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('#') && parse(line.Split(':')) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    private sealed record PasswdEntry(string Name, uint Uid, uint Gid);

    private sealed record GroupEntry(string Name, uint Gid, IReadOnlyList<string> Members);
}
