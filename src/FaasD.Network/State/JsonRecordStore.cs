using System.Text.Json.Serialization.Metadata;

namespace FaasD.Network.State;

/// <summary>
/// One JSON file per record (<c>&lt;id&gt;&lt;extension&gt;</c>) in the state directory, written atomically: the
/// shape of the attachment records and the pool's claim markers.
/// </summary>
internal abstract class JsonRecordStore<T>(string directory, string extension, JsonTypeInfo<T> json, string what, Func<T, string> idOf)
    where T : class
{
    public string PathFor(string id) => Path.Combine(directory, id + extension);

    public async Task<T?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        var path = PathFor(id);
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync(stream, json, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException e)
        {
            // Writes are atomic, so only a foreign edit makes a record unreadable; treating it as absent (or guessing)
            // would leak its lease or hand one address to two containers.
            throw new NetworkException($"{what} {path} is not valid JSON: {e.Message}", e);
        }
    }

    public async Task WriteAsync(T record, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await AtomicFile.WriteAsync(PathFor(idOf(record)), JsonSerializer.SerializeToUtf8Bytes(record, json), cancellationToken);
    }

    public void Delete(string id) => AtomicFile.Delete(PathFor(id));

    /// <summary>Ids of every record whose id starts with the prefix.</summary>
    public IReadOnlyList<string> List(string idPrefix) => Directory.Exists(directory)
        ? [.. Directory.GetFiles(directory, idPrefix + "*" + extension).Select(path => Path.GetFileName(path)[..^extension.Length])]
        : [];
}
