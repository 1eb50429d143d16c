using FaasD.Containerd.Api.Content;

namespace FaasD.Containerd.Content;

/// <summary>
/// One run of containerd's Write protocol over the bidi stream:
/// <code>
///   STAT   {ref, total, expected} → offset already ingested  (AlreadyExists: blob present, stop)
///   WRITE  {offset, data} × n     → new offset
///   COMMIT {total, expected}      → digest                   (containerd verifies size and digest)
/// </code>
/// Each request gets exactly one response, so the session is a strict request/response exchange.
/// </summary>
internal sealed class ContentWriteSession
{
    internal const int ChunkSize = 1 << 20;

    private readonly AsyncDuplexStreamingCall<WriteContentRequest, WriteContentResponse> _call;
    private readonly string _operation;

    public ContentWriteSession(AsyncDuplexStreamingCall<WriteContentRequest, WriteContentResponse> call, string @namespace)
    {
        _call = call;
        _operation = $"Content.Write in namespace \"{@namespace}\"";
    }

    /// <summary>
    /// Opens the ingest for <paramref name="blob"/> and returns how many bytes containerd already holds for it.
    /// Throws AlreadyExists when the blob is present, Unavailable when another writer holds the ref.
    /// </summary>
    public async Task<long> StatAsync(BlobWrite blob, CancellationToken cancellationToken)
    {
        var status = await ExchangeAsync(
            new WriteContentRequest { Action = WriteAction.Stat, Ref = blob.EffectiveRef, Total = blob.Size, Expected = blob.Digest },
            cancellationToken);

        // An ingest longer than the blob is garbage from some other writer; offset 0 makes containerd truncate it.
        return status.Offset <= blob.Size ? status.Offset : 0;
    }

    /// <summary>Sends what is missing from <paramref name="offset"/> on and commits. containerd verifies size and digest.</summary>
    public async Task FinishAsync(BlobWrite blob, long offset, BlobSource source, CancellationToken cancellationToken)
    {
        if (offset < blob.Size)
        {
            var stream = await source(offset, cancellationToken);
            await using (stream)
            {
                offset = await SendChunksAsync(stream, offset, blob.Size, cancellationToken);
            }
        }

        var commit = new WriteContentRequest { Action = WriteAction.Commit, Total = blob.Size, Offset = offset, Expected = blob.Digest };
        foreach (var (key, value) in blob.Labels ?? new Dictionary<string, string>())
        {
            commit.Labels[key] = value;
        }

        var committed = await ExchangeAsync(commit, cancellationToken);
        if (committed.Digest != blob.Digest || committed.Offset != blob.Size)
        {
            // containerd checks both itself; this only guards against a daemon that did not.
            throw new ContainerdException(ContainerdErrorKind.FailedPrecondition, _operation,
                $"containerd {_operation} committed {committed.Digest} ({committed.Offset} bytes), expected {blob.Digest} ({blob.Size} bytes)");
        }

        await _call.RequestStream.CompleteAsync();
    }

    /// <summary>Sends the source in chunks up to <paramref name="size"/> bytes; the commit detects a short source.</summary>
    private async Task<long> SendChunksAsync(Stream stream, long offset, long size, CancellationToken cancellationToken)
    {
        var buffer = new byte[(int)Math.Min(ChunkSize, Math.Max(size - offset, 1))];
        while (offset < size)
        {
            var wanted = (int)Math.Min(buffer.Length, size - offset);
            var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, wanted), wanted, throwOnEndOfStream: false, cancellationToken);
            if (read == 0)
            {
                break;
            }

            // The buffer is reused only after the exchange, by when the message has been serialized and sent.
            var response = await ExchangeAsync(
                new WriteContentRequest { Action = WriteAction.Write, Offset = offset, Data = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, read)) },
                cancellationToken);
            if (response.Offset != offset + read)
            {
                throw new ContainerdException(ContainerdErrorKind.Internal, _operation,
                    $"containerd {_operation} is at offset {response.Offset} after writing {read} bytes at {offset}");
            }

            offset = response.Offset;
        }

        return offset;
    }

    private async Task<WriteContentResponse> ExchangeAsync(WriteContentRequest request, CancellationToken cancellationToken)
    {
        await _call.RequestStream.WriteAsync(request, cancellationToken);
        if (!await _call.ResponseStream.MoveNext(cancellationToken))
        {
            throw new ContainerdException(ContainerdErrorKind.Internal, _operation,
                $"containerd {_operation} ended the stream without answering {request.Action}");
        }

        return _call.ResponseStream.Current;
    }
}
