using System.Security.Cryptography;

namespace FaasD.TestSupport.Images;

/// <summary>OCI content digests (<c>sha256:&lt;hex&gt;</c>) of bytes and files.</summary>
public static class Sha256Digest
{
    public static string Of(ReadOnlySpan<byte> bytes) => Format(SHA256.HashData(bytes));

    public static async Task<string> OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Format(await SHA256.HashDataAsync(file, cancellationToken));
    }

    public static string Format(byte[] hash) => "sha256:" + Convert.ToHexStringLower(hash);

    /// <summary>The hex part, used as a file name under <c>blobs/sha256/</c>.</summary>
    public static string Hex(string digest) => digest["sha256:".Length..];
}
