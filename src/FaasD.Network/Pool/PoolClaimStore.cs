using System.Text.Json;
using System.Text.Json.Serialization;
using FaasD.Shared;

namespace FaasD.Network.Pool;

/// <summary>Claim markers as <c>&lt;pool id&gt;.claim</c> beside the attachment records, written atomically.</summary>
internal sealed class PoolClaimStore
{
    private const string Extension = ".claim";
    private readonly string _directory;

    public PoolClaimStore(string directory)
    {
        _directory = directory;
    }

    public async Task<PoolClaim?> ReadAsync(string poolId, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(PathFor(poolId));
            return await JsonSerializer.DeserializeAsync(stream, PoolJsonContext.Default.PoolClaim, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException e)
        {
            // Writes are atomic: only a foreign edit gets here, and guessing would risk handing one address to two containers.
            throw new NetworkException($"pool claim {PathFor(poolId)} is not valid JSON: {e.Message}", e);
        }
    }

    public async Task WriteAsync(PoolClaim claim, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await AtomicFile.WriteAsync(PathFor(claim.PoolId), JsonSerializer.SerializeToUtf8Bytes(claim, PoolJsonContext.Default.PoolClaim), cancellationToken);
    }

    public void Delete(string poolId) => AtomicFile.Delete(PathFor(poolId));

    /// <summary>Pool ids of every claim marker whose id starts with the prefix.</summary>
    public IReadOnlyList<string> List(string poolIdPrefix) => Directory.Exists(_directory)
        ? [.. Directory.GetFiles(_directory, poolIdPrefix + "*" + Extension).Select(path => Path.GetFileName(path)[..^Extension.Length])]
        : [];

    private string PathFor(string poolId) => Path.Combine(_directory, poolId + Extension);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PoolClaim))]
internal sealed partial class PoolJsonContext : JsonSerializerContext;
