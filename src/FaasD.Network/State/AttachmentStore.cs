using FaasD.Shared;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaasD.Network.State;

/// <summary>One JSON file per attachment in the state directory, written atomically.</summary>
internal sealed class AttachmentStore
{
    private readonly string _directory;

    public AttachmentStore(string directory)
    {
        _directory = directory;
    }

    public string PathFor(string id) => Path.Combine(_directory, id + ".json");

    public async Task<AttachmentRecord?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        var path = PathFor(id);
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync(stream, AttachmentJsonContext.Default.AttachmentRecord, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException e)
        {
            // Writes are atomic, so only a foreign edit makes a record unreadable; treating it as absent would leak the lease.
            throw new NetworkException($"attachment record {path} is not valid JSON: {e.Message}", e);
        }
    }

    public async Task WriteAsync(AttachmentRecord record, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await AtomicFile.WriteAsync(PathFor(record.Id), JsonSerializer.SerializeToUtf8Bytes(record, AttachmentJsonContext.Default.AttachmentRecord), cancellationToken);
    }

    public void Delete(string id) => AtomicFile.Delete(PathFor(id));
}

/// <summary>Source-generated, so the native (AOT) daemon reads and writes the same files without reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(AttachmentRecord))]
internal sealed partial class AttachmentJsonContext : JsonSerializerContext;
