using System.Runtime.InteropServices;
using FaasD.Containerd.Api.Content;
using ContentClient = FaasD.Containerd.Api.Content.Content.ContentClient;

namespace FaasD.Containerd.Content;

/// <summary>
/// The content-store calls that carry logic beyond one RPC. Writes made through a leased scope
/// (<see cref="ContainerdScope.WithLease"/>) are held by that lease.
/// </summary>
public sealed partial class ContentStore
{
    private const int LockRetries = 10;
    private static readonly TimeSpan s_firstLockRetryDelay = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan s_maxLockRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_abortTimeout = TimeSpan.FromSeconds(10);

    private readonly ContentClient _content;
    private readonly string? _namespace;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    internal ContentStore(ContentClient content, string? @namespace, ContainerdScopeDependencies dependencies)
    {
        _content = content;
        _namespace = @namespace;
        _logger = dependencies.LoggerFactory.CreateLogger<ContentStore>();
        _timeProvider = dependencies.TimeProvider;
    }

    /// <summary>The blob's metadata, or null when containerd does not have it.</summary>
    public async Task<Info?> InfoAsync(string digest, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _content.InfoAsync(new InfoRequest { Digest = digest }, cancellationToken: cancellationToken);
            return response.Info;
        }
        catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.NotFound)
        {
            return null;
        }
    }

    public async Task<bool> ExistsAsync(string digest, CancellationToken cancellationToken) =>
        await InfoAsync(digest, cancellationToken) is not null;

    /// <summary>
    /// Writes a blob unless containerd already has it, resuming an interrupted ingest of the same ref.
    /// <paramref name="source"/> is opened only when bytes are actually needed. A digest or size mismatch fails with
    /// FailedPrecondition and discards the ingest so the next attempt starts clean.
    /// </summary>
    public async Task<BlobWriteOutcome> WriteAsync(BlobWrite blob, BlobSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(blob.Size);

        try
        {
            await WriteWhenUnlockedAsync(blob, source, cancellationToken);
            Log.Written(_logger, blob.Digest, blob.Size, _namespace);
            return BlobWriteOutcome.Written;
        }
        catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.AlreadyExists)
        {
            // containerd answers AlreadyExists to the first message when the digest is present (or a racing writer committed it first).
            return BlobWriteOutcome.AlreadyPresent;
        }
        catch (ContainerdException exception) when (exception.Kind is ContainerdErrorKind.FailedPrecondition or ContainerdErrorKind.InvalidArgument)
        {
            // The ingested bytes are wrong; resuming them would fail the same way forever.
            await AbortQuietlyAsync(blob.EffectiveRef);
            throw;
        }
    }

    /// <summary>
    /// Like containerd's content.OpenWriter: a ref still locked by another (or a just-interrupted) session answers
    /// Unavailable, so wait with a doubling delay before giving up.
    /// </summary>
    private async Task WriteWhenUnlockedAsync(BlobWrite blob, BlobSource source, CancellationToken cancellationToken)
    {
        var delay = s_firstLockRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            using var call = _content.Write(cancellationToken: cancellationToken);
            var session = new ContentWriteSession(call, _namespace ?? "");
            long offset;
            try
            {
                offset = await session.StatAsync(blob, cancellationToken);
            }
            catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.Unavailable && attempt < LockRetries)
            {
                Log.RefLocked(_logger, blob.EffectiveRef, _namespace, delay);
                await Task.Delay(delay, _timeProvider, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_maxLockRetryDelay.Ticks));
                continue;
            }

            await session.FinishAsync(blob, offset, source, cancellationToken);
            return;
        }
    }

    /// <summary>Writes an in-memory blob (manifest, config, index) unless containerd already has it.</summary>
    public Task<BlobWriteOutcome> WriteAsync(BlobWrite blob, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        WriteAsync(blob, (offset, _) => Task.FromResult(OpenMemory(data, offset)), cancellationToken);

    /// <summary>Streams a committed blob into <paramref name="destination"/>.</summary>
    public async Task CopyToAsync(string digest, Stream destination, CancellationToken cancellationToken)
    {
        using var call = _content.Read(new ReadContentRequest { Digest = digest }, cancellationToken: cancellationToken);
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            await destination.WriteAsync(call.ResponseStream.Current.Data.Memory, cancellationToken);
        }
    }

    /// <summary>Reads a whole committed blob; meant for small ones (manifests, configs).</summary>
    public async Task<byte[]> ReadAllAsync(string digest, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await CopyToAsync(digest, buffer, cancellationToken);
        return buffer.ToArray();
    }

    private static Stream OpenMemory(ReadOnlyMemory<byte> data, long offset)
    {
        var rest = data[(int)Math.Min(offset, data.Length)..];
        return MemoryMarshal.TryGetArray(rest, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(rest.ToArray(), writable: false);
    }

    private async Task AbortQuietlyAsync(string @ref)
    {
        using var timeout = new CancellationTokenSource(s_abortTimeout);
        try
        {
            await _content.AbortAsync(new AbortRequest { Ref = @ref }, cancellationToken: timeout.Token);
        }
        catch (Exception exception) when (exception is ContainerdException or OperationCanceledException)
        {
            // containerd expires abandoned ingests itself; this only speeds up the retry.
            Log.AbortFailed(_logger, @ref, _namespace, exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Written, Level = LogLevel.Debug, Message = "Wrote blob {Digest} ({Size} bytes) to namespace {Namespace}")] public static partial void Written(ILogger logger, string digest, long size, string? @namespace);

        [LoggerMessage(EventId = LogEvents.RefLocked, Level = LogLevel.Debug, Message = "Ingest {Ref} in namespace {Namespace} is locked or containerd is unavailable; retrying in {Delay}")] public static partial void RefLocked(ILogger logger, string @ref, string? @namespace, TimeSpan delay);

        [LoggerMessage(EventId = LogEvents.AbortFailed, Level = LogLevel.Warning, Message = "Could not abort ingest {Ref} in namespace {Namespace}")] public static partial void AbortFailed(ILogger logger, string @ref, string? @namespace, Exception exception);
    }
}
