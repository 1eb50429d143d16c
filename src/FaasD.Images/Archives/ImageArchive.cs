using System.Formats.Tar;
using System.IO.Compression;

namespace FaasD.Images.Archives;

/// <summary>
/// A tar archive indexed by member name, whose members are then read in place (never extracted or buffered).
/// A gzipped archive is first decompressed to a temporary file next to the system's temp directory, because
/// members must be read in the order the image needs them, not the order they were written.
/// </summary>
internal sealed class ImageArchive : IAsyncDisposable
{
    private readonly string _path;
    private readonly string? _temporaryCopy;
    private readonly Dictionary<string, (long Offset, long Length)> _members;

    private ImageArchive(string path, string? temporaryCopy, Dictionary<string, (long Offset, long Length)> members)
    {
        _path = path;
        _temporaryCopy = temporaryCopy;
        _members = members;
    }

    public IReadOnlyCollection<string> Members => _members.Keys;

    public static async Task<ImageArchive> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var temporaryCopy = await IsGzipAsync(path, cancellationToken) ? await DecompressAsync(path, cancellationToken) : null;
        try
        {
            var readable = temporaryCopy ?? path;
            var members = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
            await using var file = File.OpenRead(readable);
            await using var tar = new TarReader(file);
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                {
                    members[Normalize(entry.Name)] = (entry.DataOffset, entry.Length);
                }
            }

            return new ImageArchive(readable, temporaryCopy, members);
        }
        catch
        {
            DeleteQuietly(temporaryCopy);
            throw;
        }
    }

    public bool Contains(string member) => _members.ContainsKey(Normalize(member));

    public long LengthOf(string member) => _members[Normalize(member)].Length;

    public Stream Open(string member)
    {
        var (offset, length) = _members.TryGetValue(Normalize(member), out var found)
            ? found
            : throw new FileNotFoundException($"the archive has no member \"{member}\"", member);
        return new SliceStream(_path, offset, length);
    }

    public async Task<byte[]> ReadAllAsync(string member, long maxLength, CancellationToken cancellationToken)
    {
        var length = LengthOf(member);
        if (length > maxLength)
        {
            throw new InvalidDataException($"archive member \"{member}\" is {length} bytes, more than the {maxLength} a document may have");
        }

        var content = new byte[length];
        await using var stream = Open(member);
        await stream.ReadExactlyAsync(content, cancellationToken);
        return content;
    }

    public ValueTask DisposeAsync()
    {
        DeleteQuietly(_temporaryCopy);
        return ValueTask.CompletedTask;
    }

    private static string Normalize(string name) => name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name;

    private static async Task<bool> IsGzipAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        var magic = new byte[2];
        return await file.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, cancellationToken) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    private static async Task<string> DecompressAsync(string path, CancellationToken cancellationToken)
    {
        var copy = Path.Combine(Path.GetTempPath(), $"faasd-import-{Guid.NewGuid():N}.tar");
        try
        {
            await using var source = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            await using var target = File.Create(copy);
            await source.CopyToAsync(target, cancellationToken);
            return copy;
        }
        catch
        {
            DeleteQuietly(copy);
            throw;
        }
    }

    private static void DeleteQuietly(string? path)
    {
        if (path is not null)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // A temp file we could not delete is only disk space; the import's outcome does not depend on it.
            }
        }
    }
}
