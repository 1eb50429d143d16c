using System.Collections.Concurrent;
using System.Text;

namespace FaasD.Runtime.Logs;

/// <summary>
/// Follows the raw output files the containerd shims write (no helper process per function), cuts them
/// into lines, stamps them and hands each line to the capture and to the sinks (journald). The shim keeps
/// writing while the daemon is down; on start the pump resumes from the offset it last saved.
/// </summary>
internal sealed partial class LogPump : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Source> _sources = new(StringComparer.Ordinal);
    private readonly LogStore _store;
    private readonly IReadOnlyList<ILogSink> _sinks;
    private readonly LogStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LogPump> _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public LogPump(LogStore store, IEnumerable<ILogSink> sinks, LogStoreOptions options, TimeProvider time, ILogger<LogPump> logger)
    {
        _store = store;
        _sinks = [.. sinks];
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Starts following one container's raw output file (idempotent).</summary>
    public void Watch(string @namespace, string function, string containerId, string rawPath) =>
        _sources.GetOrAdd(rawPath, path => new Source(@namespace, function, containerId, path));

    /// <summary>Reads what is left in a removed container's file, then stops following it and deletes it.</summary>
    public void Unwatch(string rawPath)
    {
        if (_sources.TryRemove(rawPath, out var source))
        {
            Drain(source);
        }

        DeleteQuietly(rawPath);
        DeleteQuietly(rawPath + ".offset");
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }

        foreach (var source in _sources.Values)
        {
            Drain(source);
        }

        _stop.Dispose();
    }

    /// <summary>One pass over every file; public so tests can pump without waiting for the timer.</summary>
    public void PumpOnce()
    {
        foreach (var source in _sources.Values)
        {
            Drain(source);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.PollInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            PumpOnce();
        }
    }

    private void Drain(Source source)
    {
        try
        {
            foreach (var line in source.ReadNewLines(_options.MaxLineBytes, _options.MaxRawBytes))
            {
                _store.Append(source.Namespace, source.Function, source.ContainerId, line);
                foreach (var sink in _sinks)
                {
                    sink.Write(source.Namespace, source.Function, source.ContainerId, line, isError: false);
                }
            }
        }
        catch (IOException ex)
        {
            Log.ReadFailed(_logger, source.Path, ex);
        }
    }

    /// <summary>A raw file and how far into it we have read; the offset is kept beside it across restarts.</summary>
    private sealed class Source(string @namespace, string function, string containerId, string path)
    {
        private readonly Lock _gate = new();
        private readonly string _offsetPath = path + ".offset";
        private const int ChunkBytes = 1024 * 1024;
        private const int MaxLinesPerPass = 100_000;

        private long _offset = -1;
        private long _reclaimed;
        private byte[] _partial = [];

        public string Namespace { get; } = @namespace;
        public string Function { get; } = function;
        public string ContainerId { get; } = containerId;
        public string Path { get; } = path;

        public List<string> ReadNewLines(int maxLineBytes, long maxRawBytes)
        {
            var lines = new List<string>();
            lock (_gate)
            {
                if (!File.Exists(Path))
                {
                    return lines;
                }

                if (_offset < 0)
                {
                    _offset = LoadOffset();
                }

                using var stream = new FileStream(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                if (stream.Length < _offset)
                {
                    _offset = 0; // truncated behind our back: start over
                    _reclaimed = 0;
                }

                if (stream.Length == _offset)
                {
                    return lines;
                }

                // Read in bounded chunks up to the end seen now; what the shim appends meanwhile is read next time.
                stream.Seek(_offset, SeekOrigin.Begin);
                var buffer = new byte[(int)Math.Min(ChunkBytes, stream.Length - _offset)];
                int read;
                // The line bound is checked before a read, never after it: a chunk read and then not counted in
                // _offset would be skipped for good.
                while (lines.Count < MaxLinesPerPass && (read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    _offset += read;
                    SplitLines(buffer.AsSpan(0, read), maxLineBytes, lines);
                }

                // Keep the file's disk use bounded without ever losing a byte: truncating would drop whatever the
                // shim appended between our read and the truncate. Instead the part already read is punched out
                // (its blocks freed, the file stays sparse at the same length), so offsets stay valid and the
                // shim's O_APPEND writes are untouched.
                if (_offset - _reclaimed > maxRawBytes)
                {
                    _reclaimed = SparseFile.ReleaseBefore(stream.SafeFileHandle, _offset, _reclaimed);
                }

                SaveOffset();
            }

            return lines;
        }

        private void SplitLines(ReadOnlySpan<byte> data, int maxLineBytes, List<string> lines)
        {
            while (!data.IsEmpty)
            {
                var newline = data.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    _partial = [.. _partial, .. data];
                    if (_partial.Length >= maxLineBytes)
                    {
                        lines.Add(Decode(_partial, maxLineBytes));
                        _partial = [];
                    }

                    return;
                }

                var line = _partial.Length == 0 ? data[..newline].ToArray() : [.. _partial, .. data[..newline]];
                _partial = [];
                lines.Add(Decode(line, maxLineBytes));
                data = data[(newline + 1)..];
            }
        }

        private static string Decode(byte[] line, int maxLineBytes)
        {
            var length = Math.Min(line.Length, maxLineBytes);
            if (length > 0 && line[length - 1] == (byte)'\r')
            {
                length--;
            }

            return Encoding.UTF8.GetString(line, 0, length);
        }

        private long LoadOffset()
        {
            try
            {
                return File.Exists(_offsetPath) && long.TryParse(File.ReadAllText(_offsetPath), out var saved) ? saved : 0;
            }
            catch (IOException)
            {
                return 0;
            }
        }

        private void SaveOffset()
        {
            // Losing this file only means some lines are captured twice after a crash; not worth an fsync per poll.
            var temp = _offsetPath + ".tmp";
            File.WriteAllText(temp, _offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
            File.Move(temp, _offsetPath, overwrite: true);
        }
    }

    /// <summary>Frees the blocks of the part of a file already read (fallocate PUNCH_HOLE), keeping its length.</summary>
    private static partial class SparseFile
    {
        private const int PunchHole = 0x02;
        private const int KeepSize = 0x01;
        private const int BlockSize = 4096;

        /// <summary>Returns the new reclaimed mark; the old one when the file system cannot punch holes.</summary>
        public static long ReleaseBefore(Microsoft.Win32.SafeHandles.SafeFileHandle file, long offset, long reclaimed)
        {
            var end = offset / BlockSize * BlockSize;
            if (end <= reclaimed)
            {
                return reclaimed;
            }

            var added = false;
            try
            {
                file.DangerousAddRef(ref added);
                var fd = (int)file.DangerousGetHandle();
                return Fallocate(fd, PunchHole | KeepSize, 0, end) == 0 ? end : reclaimed;
            }
            finally
            {
                if (added)
                {
                    file.DangerousRelease();
                }
            }
        }

        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
        private static partial int Fallocate(int fd, int mode, long offset, long length);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.ReadFailed, Level = LogLevel.Warning, Message = "Could not read function output file {Path}")] public static partial void ReadFailed(ILogger logger, string path, Exception exception);
    }
}
