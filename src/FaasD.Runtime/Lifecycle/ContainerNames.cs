using System.Text.RegularExpressions;

namespace FaasD.Runtime.Lifecycle;

/// <summary>The names a container's parts go by outside its containerd record, all derived from namespace and id.</summary>
internal static partial class ContainerNames
{
    /// <summary>containerd's own identifier rule; it also keeps ids safe to use in file and cgroup paths.</summary>
    [GeneratedRegex("^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$")]
    private static partial Regex Identifier();

    private const int MaxIdentifierLength = 76;

    public static void Validate(string @namespace, string id)
    {
        ValidateNamespace(@namespace);
        ValidateOne("container id", id);
    }

    public static void ValidateNamespace(string @namespace) => ValidateOne("namespace", @namespace);

    /// <summary>Snapshot key, as faasd names it, so a faasd host's snapshots are recognised.</summary>
    public static string SnapshotKey(string id) => id + "-snapshot";

    /// <summary>Our cgroup for the container; we choose it so the freezer is found without asking containerd.</summary>
    public static string CgroupsPath(string parent, string @namespace, string id) =>
        $"/{parent.Trim('/')}/{@namespace}/{id}".Replace("//", "/", StringComparison.Ordinal);

    /// <summary>
    /// The network attachment's id: unique across namespaces (the same function may live in two).
    /// Function names cannot contain '.', so the last '.' separates the parts unambiguously.
    /// </summary>
    public static string NetworkId(string @namespace, string id) => $"{@namespace}.{id}";

    private static void ValidateOne(string what, string value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxIdentifierLength || !Identifier().IsMatch(value))
        {
            throw new RuntimeException(
                RuntimeErrorKind.InvalidArgument,
                $"{what} '{value}' is not valid: letters and digits separated by single '.', '_' or '-', at most {MaxIdentifierLength} characters");
        }
    }
}
