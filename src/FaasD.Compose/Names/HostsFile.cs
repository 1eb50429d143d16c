namespace FaasD.Compose.Names;

/// <summary>
/// The hosts file shared by services and functions: <c>127.0.0.1 localhost</c>, the extra names (gateway) and one
/// <c>&lt;ip&gt;\t&lt;service&gt;</c> line per running service.
/// </summary>
internal sealed class HostsFile(string path)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Path { get; } = path;

    public static string Render(IEnumerable<KeyValuePair<string, IPAddress>> entries)
    {
        var text = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        foreach (var (name, address) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(address).Append('\t').Append(name).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// Rewrites the file IN PLACE. Not the usual temp+rename: every running container bind-mounts this file
    /// read-only as /etc/hosts, and a bind mount pins the inode it was made from, so a renamed-in replacement
    /// would never be seen by them. Same inode, new bytes, truncate, fsync: a reader may catch a half-written
    /// file for a moment, which is the price of live updates (and what faasd and docker do too).
    /// </summary>
    public async Task WriteAsync(string content, CancellationToken cancellationToken)
    {
        var bytes = Encoding.ASCII.GetBytes(content);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            var streamOptions = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, UnixCreateMode = mode };
            await using var stream = new FileStream(Path, streamOptions);
            if (await IsSameAsync(stream, bytes, cancellationToken))
            {
                return;
            }

            stream.Position = 0;
            await stream.WriteAsync(bytes, cancellationToken);
            stream.SetLength(bytes.Length);
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task<bool> IsSameAsync(FileStream stream, byte[] wanted, CancellationToken cancellationToken)
    {
        if (stream.Length != wanted.Length)
        {
            return false;
        }

        var current = new byte[stream.Length];
        await stream.ReadExactlyAsync(current, cancellationToken);
        return current.AsSpan().SequenceEqual(wanted);
    }
}
