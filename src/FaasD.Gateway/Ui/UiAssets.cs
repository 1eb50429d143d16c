using System.Reflection;
using System.Security.Cryptography;

namespace FaasD.Gateway.Ui;

/// <summary>
/// The portal's files, embedded in the assembly (no files on disk, no CDN): read once, with a content hash as
/// ETag so a browser revalidates cheaply.
/// </summary>
internal sealed class UiAssets
{
    private const string ResourcePrefix = "FaasD.Gateway.Ui.Assets.";

    private readonly Dictionary<string, UiAsset> _assets = new(StringComparer.Ordinal);

    public UiAssets()
    {
        var assembly = typeof(UiAssets).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var fileName = resource[ResourcePrefix.Length..];
            var content = Read(assembly, resource);
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 8)) + "\"";
            _assets[fileName] = new UiAsset(fileName, ContentTypeOf(fileName), content, etag);
        }
    }

    public IReadOnlyCollection<UiAsset> All => _assets.Values;

    /// <summary>Sum of every asset's size: the page weight of the portal (uncompressed).</summary>
    public long TotalBytes => _assets.Values.Sum(a => (long)a.Content.Length);

    public UiAsset? Find(string fileName) => _assets.GetValueOrDefault(fileName);

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded resource {resource} is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string ContentTypeOf(string fileName) => Path.GetExtension(fileName) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}

internal sealed record UiAsset(string FileName, string ContentType, byte[] Content, string ETag);
