using System.Formats.Tar;
using System.IO.Compression;

namespace FaasD.TestSupport.Images;

/// <summary>
/// Writes <see cref="ImageContents"/> as one reproducible layer: fixed timestamps, root ownership, ordinal order,
/// ustar headers (no PAX access/change times), so the same contents always give the same digests.
/// </summary>
internal static class LayerBuilder
{
    private static readonly DateTimeOffset s_fixedTime = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<LayerBlob> BuildAsync(ImageContents contents, string workDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workDirectory);
        var staging = Path.Combine(workDirectory, $"layer-{Guid.NewGuid():N}");
        var tarStaging = staging + ".tar";
        var gzipStaging = staging + ".tar.gz";
        try
        {
            await WriteTarAsync(contents, tarStaging, cancellationToken);
            await CompressAsync(tarStaging, gzipStaging, cancellationToken);

            var diffId = await Sha256Digest.OfFileAsync(tarStaging, cancellationToken);
            var digest = await Sha256Digest.OfFileAsync(gzipStaging, cancellationToken);

            // Content-addressed names: parallel test processes building the same layer rename over identical files.
            var tarPath = Path.Combine(workDirectory, Sha256Digest.Hex(diffId) + ".tar");
            var gzipPath = Path.Combine(workDirectory, Sha256Digest.Hex(digest) + ".tar.gz");
            File.Move(tarStaging, tarPath, overwrite: true);
            File.Move(gzipStaging, gzipPath, overwrite: true);
            return new LayerBlob(gzipPath, digest, new FileInfo(gzipPath).Length, tarPath, diffId, new FileInfo(tarPath).Length);
        }
        finally
        {
            File.Delete(tarStaging);
            File.Delete(gzipStaging);
        }
    }

    private static async Task WriteTarAsync(ImageContents contents, string path, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        await using var tar = new TarWriter(file, TarEntryFormat.Ustar, leaveOpen: false);
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in contents.Entries)
        {
            foreach (var parent in ParentsOf(entry.TarName).Where(written.Add))
            {
                await tar.WriteEntryAsync(Header(TarEntryType.Directory, parent + "/", ImageContents.ExecutableMode), cancellationToken);
            }

            if (written.Add(entry.TarName))
            {
                await WriteEntryAsync(tar, entry, cancellationToken);
            }
        }
    }

    private static async Task WriteEntryAsync(TarWriter tar, ImageEntry entry, CancellationToken cancellationToken)
    {
        switch (entry)
        {
            case ImageDirectory directory:
                await tar.WriteEntryAsync(Header(TarEntryType.Directory, directory.TarName + "/", directory.Mode), cancellationToken);
                break;
            case ImageSymlink link:
                var symlink = Header(TarEntryType.SymbolicLink, link.TarName, ImageContents.ExecutableMode | UnixFileMode.UserWrite);
                symlink.LinkName = link.Target;
                await tar.WriteEntryAsync(symlink, cancellationToken);
                break;
            case ImageFile file:
                var header = Header(TarEntryType.RegularFile, file.TarName, file.Mode);
                await using (var data = file.HostPath is { } host ? File.OpenRead(host) : (Stream)new MemoryStream(file.Content ?? []))
                {
                    header.DataStream = data;
                    await tar.WriteEntryAsync(header, cancellationToken);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(entry), entry, "unknown image entry kind");
        }
    }

    private static UstarTarEntry Header(TarEntryType type, string name, UnixFileMode mode) => new(type, name)
    {
        Mode = mode,
        ModificationTime = s_fixedTime,
        Uid = 0,
        Gid = 0,
    };

    /// <summary><c>usr/bin/env</c> → <c>usr</c>, <c>usr/bin</c>.</summary>
    private static IEnumerable<string> ParentsOf(string tarName)
    {
        for (var slash = tarName.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = tarName.IndexOf('/', slash + 1))
        {
            yield return tarName[..slash];
        }
    }

    private static async Task CompressAsync(string tarPath, string gzipPath, CancellationToken cancellationToken)
    {
        await using var source = File.OpenRead(tarPath);
        await using var target = File.Create(gzipPath);
        await using var gzip = new GZipStream(target, CompressionLevel.Optimal);
        await source.CopyToAsync(gzip, cancellationToken);
    }
}
