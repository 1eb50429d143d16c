using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using FaasD.Containerd.Errors;
using FaasD.Images.Collection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace FaasD.Images.Tests.Collection;

/// <summary>
/// Automatic image GC with fakes at its seams (containerd's namespaces and delete events, the collector, the disk):
/// when a round prunes, what it asks for, and that a failing round neither ends the loop nor loses its work.
/// </summary>
public sealed class ImageGarbageCollectionTests
{
    private const string Fn = "openfaas-fn";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private FakeDisk _disk = null!;
    private FakeSource _source = null!;
    private FakeCollector _collector = null!;
    private ListLogger _logger = null!;
    private ImageGcOptions _settings = null!;

    [SetUp]
    public void SetUp()
    {
        _disk = new FakeDisk { Used = 50 };
        _source = new FakeSource { Namespaces = [Fn, "openfaas", "team-a"] };
        _collector = new FakeCollector(_disk, _time);
        _logger = new ListLogger();
        _settings = new ImageGcOptions { DiskPath = "/var/lib/containerd", MinAge = TimeSpan.FromMinutes(2) };
    }

    private ImageGarbageCollection NewGc() => new(_source, _collector, _disk, _settings, _time, _logger);

    [Test]
    public async Task Above_the_high_watermark_unused_images_go_least_recently_pulled_first_until_the_disk_is_below_the_low_watermark()
    {
        _disk.Used = 90;
        _collector.Add(Fn, "fn-new", pulledMinutesAgo: 10, percent: 6);
        _collector.Add(Fn, "fn-oldest", pulledMinutesAgo: 300, percent: 6);
        _collector.Add("team-a", "team-old", pulledMinutesAgo: 200, percent: 6);
        _collector.Add(Fn, "fn-used", pulledMinutesAgo: 400, percent: 30, inUse: true);

        await NewGc().CollectOnceAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(_collector.Calls, Has.Count.EqualTo(1));
            Assert.That(_collector.Calls[0].Namespaces, Is.EquivalentTo(new[] { Fn, "openfaas", "team-a" }), "every FaasD namespace");
            Assert.That(_collector.Calls[0].Options.MinAge, Is.EqualTo(TimeSpan.FromMinutes(2)));
            Assert.That(_collector.Removed, Is.EqualTo(new[] { $"{Fn}/fn-oldest", "team-a/team-old" }), "90 → 84 → 78: stops once below 80 %");
            Assert.That(_disk.Used, Is.LessThan(80));
            Assert.That(_collector.Remaining, Is.EquivalentTo(new[] { $"{Fn}/fn-new", $"{Fn}/fn-used" }));
            Assert.That(_logger.Entries.Select(e => e.Id), Does.Contain(LogEvents.ImageGcPruned));
            Assert.That(_logger.Entries.Select(e => e.Id), Does.Not.Contain(LogEvents.ImageGcStillFull));
        });
    }

    [Test]
    public async Task Below_the_high_watermark_no_round_prunes()
    {
        _disk.Used = 84.9;
        _collector.Add(Fn, "old", pulledMinutesAgo: 300, percent: 6);
        var gc = NewGc();

        await gc.CollectOnceAsync(CancellationToken.None);
        await gc.CollectOnceAsync(CancellationToken.None);

        Assert.That(_collector.Calls, Is.Empty);
        Assert.That(_collector.Remaining, Is.EqualTo(new[] { $"{Fn}/old" }));
    }

    [Test]
    public async Task Exactly_at_the_high_watermark_a_round_prunes()
    {
        _disk.Used = 85;
        _collector.Add(Fn, "old", pulledMinutesAgo: 300, percent: 6);

        await NewGc().CollectOnceAsync(CancellationToken.None);

        Assert.That(_collector.Removed, Is.EqualTo(new[] { $"{Fn}/old" }));
    }

    [Test]
    public async Task When_only_images_in_use_are_left_the_disk_stays_full_and_a_warning_says_so()
    {
        _disk.Used = 95;
        _collector.Add(Fn, "used", pulledMinutesAgo: 300, percent: 40, inUse: true);
        _collector.Add(Fn, "unused", pulledMinutesAgo: 300, percent: 5);

        await NewGc().CollectOnceAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(_collector.Removed, Is.EqualTo(new[] { $"{Fn}/unused" }));
            Assert.That(_collector.Remaining, Is.EqualTo(new[] { $"{Fn}/used" }), "an image in use is never removed");
            Assert.That(_logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Id), Is.EqualTo(new[] { LogEvents.ImageGcStillFull }));
        });
    }

    [Test]
    public async Task A_container_delete_prunes_its_namespace_in_the_next_round_and_only_that_namespace()
    {
        _collector.Add(Fn, "replaced", pulledMinutesAgo: 10, percent: 1);
        _collector.Add(Fn, "used", pulledMinutesAgo: 10, percent: 1, inUse: true);
        _collector.Add("team-a", "other", pulledMinutesAgo: 10, percent: 1);
        var gc = NewGc();
        await gc.StartAsync(CancellationToken.None);
        try
        {
            await _source.Deletes.Writer.WriteAsync("default");
            await _source.Deletes.Writer.WriteAsync(Fn);

            await TickUntilAsync(() => _collector.Calls.Count > 0);

            Assert.Multiple(() =>
            {
                Assert.That(_collector.Calls[0].Namespaces, Is.EqualTo(new[] { Fn }), "not default (not ours), not team-a (nothing deleted there)");
                Assert.That(_collector.Calls[0].Options.StopWhen is null, Is.True, "after a delete every unused image of the namespace goes");
                Assert.That(_collector.Removed, Is.EqualTo(new[] { $"{Fn}/replaced" }));
                Assert.That(_collector.Remaining, Is.EquivalentTo(new[] { $"{Fn}/used", "team-a/other" }));
            });

            // Nothing deleted since: the next rounds leave the store alone.
            _time.Advance(ImageGarbageCollection.CheckInterval);
            _time.Advance(ImageGarbageCollection.CheckInterval);
            await gc.CollectOnceAsync(CancellationToken.None);
            Assert.That(_collector.Calls, Has.Count.EqualTo(1));
        }
        finally
        {
            await gc.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task An_image_too_young_after_a_delete_is_collected_in_a_later_round_once_it_is_old_enough()
    {
        // Updated a minute after the deploy: the replaced image is younger than the minimum age at the first round.
        _collector.Add(Fn, "replaced", pulledMinutesAgo: 0, percent: 1);
        var gc = NewGc();
        await gc.StartAsync(CancellationToken.None);
        try
        {
            await _source.Deletes.Writer.WriteAsync(Fn);
            await TickUntilAsync(() => _collector.Calls.Count > 0);
            Assert.That(_collector.Removed, Is.Empty, "too young at the first round");

            await TickUntilAsync(() => _collector.Removed.Count > 0);

            Assert.That(_collector.Removed, Is.EqualTo(new[] { $"{Fn}/replaced" }));
            var calls = _collector.Calls.Count;
            await gc.CollectOnceAsync(CancellationToken.None);
            Assert.That(_collector.Calls, Has.Count.EqualTo(calls), "nothing young left: the namespace is no longer pending");
        }
        finally
        {
            await gc.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task A_failed_round_is_logged_keeps_its_namespaces_and_the_loop_runs_on()
    {
        _collector.Add(Fn, "replaced", pulledMinutesAgo: 10, percent: 1);
        _collector.Failures.Enqueue(new ContainerdException(ContainerdErrorKind.Unavailable, "Images.List", "containerd is restarting"));
        _disk.Failures.Enqueue(new InvalidOperationException("statvfs broke"));
        var gc = NewGc();
        await gc.StartAsync(CancellationToken.None);
        try
        {
            await _source.Deletes.Writer.WriteAsync(Fn);

            await TickUntilAsync(() => _collector.Removed.Count > 0);

            var failures = _logger.Entries.Where(e => e.Id == LogEvents.ImageGcFailed).ToList();
            Assert.Multiple(() =>
            {
                Assert.That(failures.Select(f => f.Message), Has.Some.Contain("containerd is restarting"));
                Assert.That(_collector.Removed, Is.EqualTo(new[] { $"{Fn}/replaced" }), "the delete was not forgotten by the failed round");
                Assert.That(gc.ExecuteTask, Is.Not.Null);
                Assert.That(gc.ExecuteTask!.IsCompleted, Is.False, "the loop runs on");
            });

            // The disk probe throwing is one more failed round, not the end of GC.
            _disk.Used = 90;
            _collector.Add(Fn, "old", pulledMinutesAgo: 300, percent: 20);
            await TickUntilAsync(() => _collector.Removed.Count > 1);
            Assert.Multiple(() =>
            {
                Assert.That(_logger.Entries.Where(e => e.Id == LogEvents.ImageGcFailed).Select(f => f.Message), Has.Some.Contain("statvfs broke"));
                Assert.That(_collector.Removed, Does.Contain($"{Fn}/old"));
                Assert.That(gc.ExecuteTask!.IsCompleted, Is.False);
            });
        }
        finally
        {
            await gc.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task A_broken_event_stream_is_subscribed_again()
    {
        _collector.Add(Fn, "replaced", pulledMinutesAgo: 10, percent: 1);
        _source.SubscribeFailures = 2;
        var gc = NewGc();
        await gc.StartAsync(CancellationToken.None);
        try
        {
            await _source.Deletes.Writer.WriteAsync(Fn);

            await TickUntilAsync(() => _collector.Removed.Count > 0);

            Assert.That(_source.Subscriptions, Is.EqualTo(3));
        }
        finally
        {
            await gc.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task With_image_gc_off_nothing_watches_or_prunes()
    {
        _settings = _settings with { Enabled = false };
        _disk.Used = 99;
        _collector.Add(Fn, "old", pulledMinutesAgo: 300, percent: 20);
        var gc = NewGc();
        await gc.StartAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(10));
        await gc.ExecuteTask!.WaitAsync(Deadline);
        await gc.StopAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(_source.Subscriptions, Is.Zero);
            Assert.That(_collector.Calls, Is.Empty);
        });
    }

    /// <summary>Moves the fake clock a round at a time until the condition holds (the loop runs on real threads).</summary>
    private async Task TickUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.That(deadline.Elapsed, Is.LessThan(Deadline), "condition not reached; log:\n" + string.Join('\n', _logger.Entries.Select(e => e.Message)));
            _time.Advance(ImageGarbageCollection.CheckInterval);
            await Task.Delay(20);
        }
    }

    private sealed class FakeDisk : IDiskUsage
    {
        private readonly object _gate = new();
        private double _used;

        public Queue<Exception> Failures { get; } = new();

        public double Used
        {
            get { lock (_gate) { return _used; } }
            set { lock (_gate) { _used = value; } }
        }

        public double? UsedPercent(string path)
        {
            lock (_gate)
            {
                return Failures.TryDequeue(out var failure) ? throw failure : _used;
            }
        }
    }

    private sealed class FakeSource : IImageGcSource
    {
        public IReadOnlyList<string> Namespaces { get; set; } = [];
        public Channel<string> Deletes { get; } = Channel.CreateUnbounded<string>();
        public int SubscribeFailures { get; set; }
        public int Subscriptions { get; private set; }

        public Task<IReadOnlyList<string>> ListNamespacesAsync(CancellationToken cancellationToken) => Task.FromResult(Namespaces);

        public async IAsyncEnumerable<string> WatchContainerDeletesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Subscriptions++;
            if (SubscribeFailures > 0)
            {
                SubscribeFailures--;
                throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, "containerd restarting"));
            }

            await foreach (var @namespace in Deletes.Reader.ReadAllAsync(cancellationToken))
            {
                yield return @namespace;
            }
        }
    }

    /// <summary>The collector's contract over a list of images: in use kept, younger than MinAge kept (and reported), StopWhen asked before each removal, oldest first with it.</summary>
    private sealed class FakeCollector(FakeDisk disk, TimeProvider time) : IImageCollector
    {
        private readonly List<(string Namespace, string Name, DateTimeOffset Pulled, double Percent, bool InUse)> _images = [];
        private readonly object _gate = new();

        public List<(IReadOnlyList<string> Namespaces, PruneOptions Options)> Calls { get; } = [];
        public List<string> Removed { get; } = [];
        public Queue<Exception> Failures { get; } = new();

        public IReadOnlyList<string> Remaining
        {
            get { lock (_gate) { return [.. _images.Select(i => $"{i.Namespace}/{i.Name}")]; } }
        }

        public void Add(string @namespace, string name, int pulledMinutesAgo, double percent, bool inUse = false)
        {
            lock (_gate)
            {
                _images.Add((@namespace, name, time.GetUtcNow() - TimeSpan.FromMinutes(pulledMinutesAgo), percent, inUse));
            }
        }

        public Task<PruneReport> RemoveAsync(string @namespace, string reference, CancellationToken cancellationToken) =>
            throw new NotSupportedException("automatic GC prunes");

        public Task<IReadOnlyList<string>> ListNamespacesAsync(CancellationToken cancellationToken) =>
            throw new NotSupportedException("automatic GC reads FaasD's namespaces through IImageGcSource");

        public Task<int> DeleteStaleLeasesAsync(CancellationToken cancellationToken) =>
            throw new NotSupportedException("stale leases are the daemon's start-up, not GC");

        public Task<PruneReport> PruneAsync(IReadOnlyList<string> namespaces, PruneOptions options, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                Calls.Add((namespaces, options));
                if (Failures.TryDequeue(out var failure))
                {
                    throw failure;
                }

                var cutoff = time.GetUtcNow() - options.MinAge;
                var candidates = _images.Where(i => namespaces.Contains(i.Namespace) && !i.InUse);
                var young = candidates.Where(i => i.Pulled > cutoff).Select(i => $"{i.Namespace}/{i.Name}").ToList();
                var unused = candidates.Where(i => i.Pulled <= cutoff).ToList();
                if (options.StopWhen is not null)
                {
                    unused = [.. unused.OrderBy(i => i.Pulled)];
                }

                var removed = new List<string>();
                foreach (var image in unused)
                {
                    if (options.StopWhen?.Invoke() == true)
                    {
                        break;
                    }

                    _images.Remove(image);
                    disk.Used -= image.Percent;
                    removed.Add($"{image.Namespace}/{image.Name}");
                }

                Removed.AddRange(removed);
                var counts = new StoreCounts(0, 0, 0, 0);
                return Task.FromResult(new PruneReport(removed, [], counts, counts, null) { Young = young });
            }
        }
    }

    private sealed class ListLogger : ILogger<ImageGarbageCollection>
    {
        private readonly List<(LogLevel Level, int Id, string Message)> _entries = [];

        public IReadOnlyList<(LogLevel Level, int Id, string Message)> Entries
        {
            get { lock (_entries) { return [.. _entries]; } }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries)
            {
                _entries.Add((logLevel, eventId.Id, formatter(state, exception)));
            }
        }
    }
}
