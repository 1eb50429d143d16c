using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

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
        private long _offset = -1;
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

                using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                if (stream.Length < _offset)
                {
                    _offset = 0; // truncated behind our back: start over
                }

                if (stream.Length == _offset)
                {
                    return lines;
                }

                stream.Seek(_offset, SeekOrigin.Begin);
                var buffer = new byte[stream.Length - _offset];
                var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                _offset += read;
                SplitLines(buffer.AsSpan(0, read), maxLineBytes, lines);

                // The shim opens the file for append, so once everything is read the file can be emptied
                // to keep it bounded; the shim's next write lands at the new end.
                if (_offset > maxRawBytes && _partial.Length == 0)
                {
                    stream.Dispose();
                    File.WriteAllBytes(Path, []);
                    _offset = 0;
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

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.ReadFailed, Level = LogLevel.Warning, Message = "Could not read function output file {Path}")]
        public static partial void ReadFailed(ILogger logger, string path, Exception exception);
    }
}
