using FaasD.Runtime.Logs;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Logs;

public class LogStoreTests
{
    private string _dir = null!;
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("faasd-logs-").FullName;
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private LogStore NewStore(long maxFileBytes = 1024 * 1024) =>
        new(new LogStoreOptions { Directory = _dir, MaxFileBytes = maxFileBytes }, _time);

    private static async Task<List<LogLine>> ReadAll(LogStore store, LogQuery request)
    {
        var list = new List<LogLine>();
        await foreach (var entry in store.ReadAsync(request, CancellationToken.None))
        {
            list.Add(entry);
        }

        return list;
    }

    [Test]
    public void Captures_are_for_root_only_not_world_readable()
    {
        // Issue 11 item 5: function output may hold secrets.
        var store = NewStore();
        store.Append("openfaas-fn", "echo", "echo", "token=s3cr3t");

        var capture = Directory.GetFiles(Path.Combine(_dir, "openfaas-fn")).Single();
        Assert.That(File.GetUnixFileMode(capture), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.GetUnixFileMode(Path.Combine(_dir, "openfaas-fn")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
    }

    [Test]
    public async Task History_honours_since_and_tail_and_survives_a_new_store()
    {
        var store = NewStore();
        for (var i = 0; i < 5; i++)
        {
            store.Append("openfaas-fn", "echo", "echo", $"line {i}");
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        var reopened = NewStore();
        var all = await ReadAll(reopened, new LogQuery("echo", "openfaas-fn", Follow: false, Tail: -1, Since: null));
        Assert.That(all.Select(e => e.Text), Is.EqualTo(new[] { "line 0", "line 1", "line 2", "line 3", "line 4" }));
        Assert.That(all[0].Name, Is.EqualTo("echo"));
        Assert.That(all[0].Namespace, Is.EqualTo("openfaas-fn"));

        var tail = await ReadAll(reopened, new LogQuery("echo", "openfaas-fn", false, Tail: 2, Since: null));
        Assert.That(tail.Select(e => e.Text), Is.EqualTo(new[] { "line 3", "line 4" }));

        var since = await ReadAll(reopened, new LogQuery("echo", "openfaas-fn", false, -1, Since: all[3].Timestamp));
        Assert.That(since.Select(e => e.Text), Is.EqualTo(new[] { "line 3", "line 4" }));
    }

    [Test]
    public async Task Capture_is_bounded_by_rotation()
    {
        var store = NewStore(maxFileBytes: 2000);
        for (var i = 0; i < 200; i++)
        {
            store.Append("openfaas-fn", "noisy", "noisy", $"a fairly long line of output number {i:000}");
        }

        var files = Directory.GetFiles(Path.Combine(_dir, "openfaas-fn"));
        Assert.That(files.Sum(f => new FileInfo(f).Length), Is.LessThanOrEqualTo(4000));
        var kept = await ReadAll(store, new LogQuery("noisy", "openfaas-fn", false, -1, null));
        Assert.That(kept.Last().Text, Does.EndWith("199"));
        Assert.That(kept.Count, Is.LessThan(200));
    }

    [Test]
    public async Task Follow_delivers_new_lines_until_cancelled()
    {
        var store = NewStore();
        store.Append("openfaas-fn", "f", "f", "before");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<string>();
        var reader = Task.Run(async () =>
        {
            await foreach (var entry in store.ReadAsync(new LogQuery("f", "openfaas-fn", Follow: true, -1, null), cts.Token))
            {
                seen.Add(entry.Text);
                if (seen.Count == 3)
                {
                    break;
                }
            }
        });

        while (seen.Count < 1)
        {
            await Task.Delay(10);
        }

        store.Append("openfaas-fn", "f", "f", "after 1");
        store.Append("openfaas-fn", "f", "f", "after 2");
        await reader.WaitAsync(cts.Token);
        Assert.That(seen, Is.EqualTo(new[] { "before", "after 1", "after 2" }));
    }

    [Test]
    public async Task Delete_forgets_the_capture()
    {
        var store = NewStore();
        store.Append("openfaas-fn", "gone", "gone", "x");
        store.Delete("openfaas-fn", "gone");
        Assert.That(await ReadAll(store, new LogQuery("gone", "openfaas-fn", false, -1, null)), Is.Empty);
    }

    [TestCase("../secrets", "basic-auth-password")]
    [TestCase("logs", "../../secrets/basic-auth-password")]
    public async Task Names_that_would_leave_the_log_directory_read_nothing(string ns, string name)
    {
        // A readable capture-shaped file just outside the store's directory.
        Directory.CreateDirectory(Path.Combine(_dir, "secrets"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "secrets", "basic-auth-password.ndjson"), "{\"t\":\"2026-11-23T10:00:00Z\",\"n\":\"x\",\"ns\":\"y\",\"i\":\"z\",\"m\":\"secret\"}\n");
        var store = new LogStore(new LogStoreOptions { Directory = Path.Combine(_dir, "logs") }, _time);

        Assert.That(await ReadAll(store, new LogQuery(name, ns, false, -1, null)), Is.Empty);
    }
}
