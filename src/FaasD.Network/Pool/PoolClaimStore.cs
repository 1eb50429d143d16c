using System.Text.Json.Serialization;

namespace FaasD.Network.Pool;

/// <summary>Claim markers as <c>&lt;pool id&gt;.claim</c> beside the attachment records, written atomically.</summary>
internal sealed class PoolClaimStore(string directory)
    : JsonRecordStore<PoolClaim>(directory, ".claim", PoolJsonContext.Default.PoolClaim, "pool claim", c => c.PoolId);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PoolClaim))]
internal sealed partial class PoolJsonContext : JsonSerializerContext;
