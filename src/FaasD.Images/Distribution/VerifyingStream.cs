using FaasD.Images.IO;

namespace FaasD.Images.Distribution;

/// <summary>
/// Passes a blob's bytes through while hashing them, and fails with <see cref="ImagePullErrorKind.Corrupt"/> as
/// soon as the content cannot be the expected one: more bytes than the size, fewer at end of stream, or a digest
/// mismatch when the last expected byte arrives. Readers that stop at the expected size (containerd's writer does)
/// still get the check, because it runs on the read that completes the size, before those bytes are handed out.
/// </summary>
internal sealed class VerifyingStream : ReadOnlyStream
{
    private const string EmptyDigest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private readonly Stream _inner;
    private readonly string _digest;
    private readonly long _size;
    private readonly string _reference;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IDisposable? _owner;
    private long _read;

    /// <param name="owner">Disposed with the stream (the HTTP response the body belongs to).</param>
    public VerifyingStream(Stream inner, string digest, long size, string reference, IDisposable? owner = null)
    {
        if (!Oci.Digests.IsSha256(digest))
        {
            throw new ImagePullException(ImagePullErrorKind.Unsupported, reference, $"{reference}: digest \"{digest}\" is not sha256, the only algorithm supported");
        }

        if (size == 0 && digest != EmptyDigest)
        {
            // Nothing will be read, so the check that normally runs on the last byte has to run here.
            throw new ImagePullException(ImagePullErrorKind.Corrupt, reference, $"{reference}: blob {digest} is declared empty but an empty blob has digest {EmptyDigest}");
        }

        _inner = inner;
        _digest = digest;
        _size = size;
        _reference = reference;
        _owner = owner;
    }

    public override long Length => _size;

    protected override long Consumed => _read;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_read == _size)
        {
            return 0;
        }

        // Never ask for more than what is left, so a reader that stops at the size never leaves bytes unchecked.
        var wanted = buffer[..(int)Math.Min(buffer.Length, _size - _read)];
        var count = await _inner.ReadAsync(wanted, cancellationToken);
        return Account(wanted.Span[..count]);
    }

    public override int Read(Span<byte> buffer)
    {
        if (_read == _size)
        {
            return 0;
        }

        var wanted = buffer[..(int)Math.Min(buffer.Length, _size - _read)];
        return Account(wanted[.._inner.Read(wanted)]);
    }

    private int Account(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length == 0)
        {
            throw Corrupt($"ended after {_read} of {_size} bytes");
        }

        _hash.AppendData(chunk);
        _read += chunk.Length;
        if (_read == _size)
        {
            var actual = "sha256:" + Convert.ToHexStringLower(_hash.GetHashAndReset());
            if (actual != _digest)
            {
                throw Corrupt($"has digest {actual}");
            }
        }

        return chunk.Length;
    }

    private ImagePullException Corrupt(string problem) =>
        new(ImagePullErrorKind.Corrupt, _reference, $"{_reference}: blob {_digest} ({_size} bytes) {problem}; the content is corrupt");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            _inner.Dispose();
            _owner?.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _hash.Dispose();
        await _inner.DisposeAsync();
        _owner?.Dispose();
        await base.DisposeAsync();
    }
}
