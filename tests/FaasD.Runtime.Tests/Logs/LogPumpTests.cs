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
    public async Task The_raw_file_is_emptied_once_read_past_its_bound()
    {
        var raw = Path.Combine(_dir, "fn.log");
        await using var pump = NewPump();
        pump.Watch("openfaas-fn", "fn", "fn", raw);
        await File.AppendAllTextAsync(raw, string.Concat(Enumerable.Range(0, 20).Select(i => $"line {i}\n")));
        pump.PumpOnce();

        Assert.That(new FileInfo(raw).Length, Is.Zero);
        await File.AppendAllTextAsync(raw, "later\n");
        pump.PumpOnce();
        Assert.That((await Captured("fn")).Last(), Is.EqualTo("later"));
        Assert.That(await Captured("fn"), Has.Count.EqualTo(21));
    }

    private sealed class RecordingSink : ILogSink
    {
        public List<string> Lines { get; } = [];

        public void Write(string @namespace, string function, string instance, string text, bool isError) =>
            Lines.Add($"{@namespace}:{function} {text}");
    }
}
