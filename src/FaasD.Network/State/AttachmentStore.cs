using System.Text.Json.Serialization;

namespace FaasD.Network.State;

/// <summary>One JSON file per attachment in the state directory, written atomically.</summary>
internal sealed class AttachmentStore(string directory)
    : JsonRecordStore<AttachmentRecord>(directory, ".json", AttachmentJsonContext.Default.AttachmentRecord, "attachment record", r => r.Id);

/// <summary>Source-generated, so the native (AOT) daemon reads and writes the same files without reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(AttachmentRecord))]
internal sealed partial class AttachmentJsonContext : JsonSerializerContext;
