using System.Text.RegularExpressions;

namespace FaasD.Images.Oci;

/// <summary>Content digests and the chain IDs that name unpacked snapshots.</summary>
public static partial class Digests
{
    public static string Sha256(ReadOnlySpan<byte> data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    public static bool IsSha256(string digest) => Sha256Pattern().IsMatch(digest);

    /// <summary>
    /// The OCI image spec's chain IDs, one per layer: <c>chain[0] = diff[0]</c>,
    /// <c>chain[n] = sha256(chain[n-1] + " " + diff[n])</c>. The last one names the image's top snapshot.
    /// </summary>
    public static IReadOnlyList<string> ChainIds(IReadOnlyList<string> diffIds)
    {
        ArgumentNullException.ThrowIfNull(diffIds);
        var chain = new string[diffIds.Count];
        for (var i = 0; i < diffIds.Count; i++)
        {
            chain[i] = i == 0 ? diffIds[0] : Sha256(Encoding.ASCII.GetBytes($"{chain[i - 1]} {diffIds[i]}"));
        }

        return chain;
    }

    [GeneratedRegex("^sha256:[a-f0-9]{64}$")]
    private static partial Regex Sha256Pattern();
}
