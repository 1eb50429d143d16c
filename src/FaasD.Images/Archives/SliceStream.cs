using FaasD.Images.IO;

namespace FaasD.Images.Archives;

/// <summary>A read-only window of <c>length</c> bytes over a file, starting at <c>offset</c>: one tar member, read in place.</summary>
internal sealed class SliceStream : ReadOnlyStream
{
    private readonly FileStream _file;
    private readonly long _length;
    private long _position;

    public SliceStream(string path, long offset, long length)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true);
        _file.Seek(offset, SeekOrigin.Begin);
        _length = length;
    }

    public override long Length => _length;

    protected override long Consumed => _position;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = (int)Math.Min(buffer.Length, _length - _position);
        if (wanted <= 0)
        {
            return 0;
        }

        var read = await _file.ReadAsync(buffer[..wanted], cancellationToken);
        _position += read;
        return read;
    }

    public override int Read(Span<byte> buffer)
    {
        var wanted = (int)Math.Min(buffer.Length, _length - _position);
        if (wanted <= 0)
        {
            return 0;
        }

        var read = _file.Read(buffer[..wanted]);
        _position += read;
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync();
        await base.DisposeAsync();
    }
}
