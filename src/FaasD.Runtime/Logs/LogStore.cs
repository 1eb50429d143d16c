using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;

namespace FaasD.Runtime.Logs;

/// <summary>
/// The bounded, persistent capture of every container's output (functions and compose services) that the logs endpoint serves:
/// one NDJSON file per function (rotated, one previous file kept), plus live followers.
/// </summary>
internal sealed class LogStore(LogStoreOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Ns, string Name), FunctionCapture> _captures = new();

    public void Append(string @namespace, string function, string instance, string text)
    {
        var entry = new LogLine(function, @namespace, instance, time.GetUtcNow(), text);
        Capture(@namespace, function).Append(entry);
    }

    public async IAsyncEnumerable<LogLine> ReadAsync(LogQuery request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Names come from the query string and become file names: anything that could leave the log
        // directory is simply an unknown function (an empty stream, as the contract has it).
        if (!IsSafeName(request.Namespace) || !IsSafeName(request.Name))
        {
            yield break;
        }

        var capture = Capture(request.Namespace, request.Name);

        // Subscribe before reading history so no line falls between the two.
        using var follower = request.Follow ? capture.Follow() : null;
        var history = capture.ReadHistory(request.Since, request.Tail);
        var last = DateTimeOffset.MinValue;
        foreach (var entry in history)
        {
            last = entry.Timestamp;
            yield return entry;
        }

        if (follower is null)
        {
            yield break;
        }

        await foreach (var entry in follower.Reader.ReadAllAsync(cancellationToken))
        {
            if (entry.Timestamp >= last)
            {
                yield return entry;
            }
        }
    }

    /// <summary>Forgets a removed function's capture files.</summary>
    public void Delete(string @namespace, string function)
    {
        if (_captures.TryRemove((@namespace, function), out var capture))
        {
            capture.DeleteFiles();
        }
        else
        {
            new FunctionCapture(PathFor(@namespace, function), options.MaxFileBytes).DeleteFiles();
        }
    }

    private static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 253 && name != "." && !name.Contains("..", StringComparison.Ordinal)
        && name.IndexOfAny(['/', '\\', '\0']) < 0;

    private FunctionCapture Capture(string @namespace, string function) =>
        _captures.GetOrAdd((@namespace, function), key => new FunctionCapture(PathFor(key.Ns, key.Name), options.MaxFileBytes));

    private string PathFor(string @namespace, string function) =>
        Path.Combine(options.Directory, @namespace, function + ".ndjson");

    /// <summary>One function's capture: appends are serialised by a per-function lock (never a global one).</summary>
    private sealed class FunctionCapture(string path, long maxBytes)
    {
        private readonly Lock _gate = new();
        private readonly List<Follower> _followers = [];

        public void Append(LogLine entry)
        {
            var line = JsonSerializer.SerializeToUtf8Bytes(StoredLogLine.From(entry), LogJson.Default.StoredLogLine);
            Follower[] followers;
            lock (_gate)
            {
                // Function output may hold secrets: the capture is for root (and faas-cli through the API) only.
                Directory.CreateDirectory(Path.GetDirectoryName(path)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                var info = new FileInfo(path);
                if (info.Exists && info.Length + line.Length + 1 > maxBytes)
                {
                    File.Move(path, path + ".1", overwrite: true);
                }

                using (var stream = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.Append,
                    Access = FileAccess.Write,
                    Share = FileShare.ReadWrite,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                }))
                {
                    stream.Write(line);
                    stream.WriteByte((byte)'\n');
                }

                followers = [.. _followers];
            }

            foreach (var follower in followers)
            {
                follower.Writer.TryWrite(entry);
            }
        }

        public List<LogLine> ReadHistory(DateTimeOffset? since, int tail)
        {
            var entries = new List<LogLine>();
            lock (_gate)
            {
                ReadFile(path + ".1", since, entries);
                ReadFile(path, since, entries);
            }

            return tail > 0 && entries.Count > tail ? entries.GetRange(entries.Count - tail, tail) : entries;
        }

        public Follower Follow()
        {
            var follower = new Follower(this);
            lock (_gate)
            {
                _followers.Add(follower);
            }

            return follower;
        }

        public void Unfollow(Follower follower)
        {
            lock (_gate)
            {
                _followers.Remove(follower);
            }
        }

        public void DeleteFiles()
        {
            lock (_gate)
            {
                if (Directory.Exists(Path.GetDirectoryName(path)))
                {
                    File.Delete(path);
                    File.Delete(path + ".1");
                }

                foreach (var follower in _followers)
                {
                    follower.Writer.TryComplete();
                }
            }
        }

        private static void ReadFile(string file, DateTimeOffset? since, List<LogLine> into)
        {
            if (!File.Exists(file))
            {
                return;
            }

            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                StoredLogLine? stored;
                try
                {
                    stored = JsonSerializer.Deserialize(line, LogJson.Default.StoredLogLine);
                }
                catch (JsonException)
                {
                    continue; // a line torn by a crash mid-write is skipped, not fatal
                }

                if (stored is not null && (since is null || stored.Time >= since))
                {
                    into.Add(stored.ToEntry());
                }
            }
        }
    }

    private sealed class Follower : IDisposable
    {
        private readonly FunctionCapture _owner;
        private readonly Channel<LogLine> _channel =
            Channel.CreateBounded<LogLine>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

        public Follower(FunctionCapture owner) => _owner = owner;

        public ChannelReader<LogLine> Reader => _channel.Reader;
        public ChannelWriter<LogLine> Writer => _channel.Writer;

        public void Dispose() => _owner.Unfollow(this);
    }
}
