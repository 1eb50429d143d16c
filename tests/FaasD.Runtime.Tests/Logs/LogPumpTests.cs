using FaasD.Runtime.Logs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Logs;

public class LogPumpTests
{
    private string _dir = null!;
    private FakeTimeProvider _time = null!;
    private LogStore _store = null!;
    private RecordingSink _sink = null!;
    private LogStoreOptions _options = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("faasd-pump-").FullName;
        _time = new FakeTimeProvider();
        _options = new LogStoreOptions { Directory = Path.Combine(_dir, "capture"), MaxRawBytes = 64 };
        _store = new LogStore(_options, _time);
        _sink = new RecordingSink();
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private LogPump NewPump() => new(_store, [_sink], _options, _time, NullLogger<LogPump>.Instance);

    private async Task<List<string>> Captured(string function)
    {
        var lines = new List<string>();
        await foreach (var e in _store.ReadAsync(new LogQuery(function, "openfaas-fn", false, -1, null), CancellationToken.None))
        {
            lines.Add(e.Text);
        }

        return lines;
    }

    [Test]
    public async Task Lines_reach_capture_and_sinks_and_partial_lines_wait_for_their_end()
    {
        var raw = Path.Combine(_dir, "fn.log");
        await using var pump = NewPump();
        pump.Watch("openfaas-fn", "fn", "fn", raw);

        await File.AppendAllTextAsync(raw, "hello\nwor");
        pump.PumpOnce();
        await File.AppendAllTextAsync(raw, "ld\r\n");
        pump.PumpOnce();

        Assert.That(await Captured("fn"), Is.EqualTo(new[] { "hello", "world" }));
        Assert.That(_sink.Lines, Is.EqualTo(new[] { "openfaas-fn:fn hello", "openfaas-fn:fn world" }));
    }

    [Test]
    public async Task A_restarted_pump_resumes_where_the_last_one_stopped()
    {
        var raw = Path.Combine(_dir, "fn.log");
        await File.WriteAllTextAsync(raw, "one\n");
        await using (var first = NewPump())
        {
            first.Watch("openfaas-fn", "fn", "fn", raw);
            first.PumpOnce();
        }

        // Output written while no daemon ran is picked up once, not twice.
        await File.AppendAllTextAsync(raw, "two\n");
        await using var second = NewPump();
        second.Watch("openfaas-fn", "fn", "fn", raw);
        second.PumpOnce();

        Assert.That(await Captured("fn"), Is.EqualTo(new[] { "one", "two" }));
    }

    [Test]
    public async Task The_raw_files_read_part_is_released_from_disk_once_past_its_bound()
    {
        var raw = Path.Combine(_dir, "fn.log");
        _options = _options with { MaxRawBytes = 16 * 1024 };
        _store = new LogStore(_options, _time);
        await using var pump = NewPump();
        pump.Watch("openfaas-fn", "fn", "fn", raw);
        await File.AppendAllTextAsync(raw, string.Concat(Enumerable.Range(0, 20_000).Select(i => $"line {i:D6}\n")));
        pump.PumpOnce();

        Assert.That(new FileInfo(raw).Length, Is.EqualTo(20_000 * 12), "the length stays, so the shim's appends and our offset agree");
        Assert.That(await AllocatedBytesAsync(raw), Is.LessThan(8 * 1024), "the blocks already read are freed");
        await File.AppendAllTextAsync(raw, "later\n");
        pump.PumpOnce();
        Assert.That((await Captured("fn")).Last(), Is.EqualTo("later"));
    }

    [Test]
    public async Task A_function_writing_continuously_loses_no_line_while_the_pump_reclaims_space()
    {
        // Issue 11 item 6: a counter written as fast as possible while the pump reads and reclaims; every number
        // must arrive exactly once and in order. With the old read-then-truncate this lost lines on every pass.
        var raw = Path.Combine(_dir, "fn.log");
        _options = _options with { MaxRawBytes = 4096, MaxFileBytes = 64 * 1024 * 1024 };
        _store = new LogStore(_options, _time);
        await using var pump = NewPump();
        pump.Watch("openfaas-fn", "fn", "fn", raw);
        const int Count = 200_000;

        var writer = Task.Run(() =>
        {
            // O_APPEND, as the containerd shim opens it.
            using var file = new FileStream(raw, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1);
            for (var i = 0; i < Count; i++)
            {
                var bytes = System.Text.Encoding.ASCII.GetBytes($"{i}\n");
                file.Write(bytes);
            }
        });
        var passes = 0;
        while (!writer.IsCompleted)
        {
            pump.PumpOnce();
            passes++;
        }

        await writer;

        // One pass reads at most MaxLinesPerPass lines; what the writer left beyond that comes in the next passes.
        int before;
        do
        {
            before = _sink.Lines.Count;
            pump.PumpOnce();
        }
        while (_sink.Lines.Count > before);

        var numbers = _sink.Lines.Select(l => int.Parse(l["openfaas-fn:fn ".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.That(passes, Is.GreaterThan(1), "the pump ran while the function wrote");
        Assert.That(numbers, Has.Count.EqualTo(Count));
        Assert.That(numbers, Is.EqualTo(Enumerable.Range(0, Count)));
        Assert.That(await AllocatedBytesAsync(raw), Is.LessThan(new FileInfo(raw).Length / 2), "space was reclaimed on the way");
    }

    /// <summary>Disk blocks a file really uses (st_blocks × 512), which a sparse file keeps below its length.</summary>
    private static async Task<long> AllocatedBytesAsync(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%b", path]) { RedirectStandardOutput = true })!;
        var text = await stat.StandardOutput.ReadToEndAsync();
        await stat.WaitForExitAsync();
        return long.Parse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture) * 512;
    }

    private sealed class RecordingSink : ILogSink
    {
        public List<string> Lines { get; } = [];

        public void Write(string @namespace, string function, string instance, string text, bool isError) =>
            Lines.Add($"{@namespace}:{function} {text}");
    }
}
