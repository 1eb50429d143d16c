using FaasD.Functions.Abstractions;
using FaasD.Triggers.Annotations;
using FaasD.Triggers.Sync;
using FaasD.Triggers.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace FaasD.Triggers.Tests.Sync;

internal sealed class TriggerReconcilerTests
{
    private FakePlatform _platform = null!;
    private RecordingEngine _engine = null!;
    private FunctionChangeChannel _changes = null!;
    private FakeTimeProvider _time = null!;
    private TriggerReconciler _reconciler = null!;

    [SetUp]
    public void Create()
    {
        _platform = new FakePlatform();
        _engine = new RecordingEngine();
        _changes = new FunctionChangeChannel();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 6, 10, 0, 0, TimeSpan.Zero));
        _reconciler = new TriggerReconciler(_platform, _platform, _changes, [_engine],
        new TriggerOptions { DefaultTimeZone = TimeZoneInfo.Utc, ResyncInterval = TimeSpan.FromSeconds(30) }, _time, NullLogger<TriggerReconciler>.Instance);
    }

    [TearDown]
    public void Dispose() => _reconciler.Dispose();

    private static FunctionSpec Spec(string ns, string name, string? schedule) => new()
    {
        Name = name,
        Namespace = ns,
        Image = "img",
        Annotations = schedule is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["topic"] = "cron-function", ["schedule"] = schedule },
    };

    [Test]
    public async Task The_first_listing_covers_every_namespace_and_retains_only_what_exists()
    {
        _platform.Functions.Add(Spec("openfaas-fn", "a", "@hourly"));
        _platform.Functions.Add(Spec("team-b", "b", null));

        await _reconciler.ResyncAsync(CancellationToken.None);

        Assert.That(_engine.Current[new TriggerKey("openfaas-fn", "a")]!.Cron!.Expression, Is.EqualTo("@hourly"));
        Assert.That(_engine.Current[new TriggerKey("team-b", "b")]!.Cron, Is.Null);
        Assert.That(_engine.Retained, Is.EquivalentTo(new[] { new TriggerKey("openfaas-fn", "a"), new TriggerKey("team-b", "b") }));
    }

    [Test]
    public async Task Changes_reach_the_engines_at_once_and_resync_repeats()
    {
        await _reconciler.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => _engine.Retained is not null, "the first listing");

        _changes.OnFunctionChanged(new FunctionChange(FunctionChangeKind.Deployed, "openfaas-fn", "new", Spec("openfaas-fn", "new", "@daily")));
        await Eventually.TrueAsync(() => _engine.Current.ContainsKey(new TriggerKey("openfaas-fn", "new")), "the deployed function");

        _changes.OnFunctionChanged(new FunctionChange(FunctionChangeKind.Removed, "openfaas-fn", "new", null));
        await Eventually.TrueAsync(() => _engine.Current.TryGetValue(new TriggerKey("openfaas-fn", "new"), out var t) && t is null, "the removal");

        var listings = _platform.Listings;
        // Keep the fake clock moving: the reconciler may arm its timer just after a single step.
        await Eventually.TrueAsync(() =>
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            return _platform.Listings > listings;
        }, "a periodic resync");
        await _reconciler.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task A_function_with_annotations_that_no_longer_parse_gets_no_triggers()
    {
        _platform.Functions.Add(Spec("openfaas-fn", "old", "not a schedule"));
        await _reconciler.ResyncAsync(CancellationToken.None);
        Assert.That(_engine.Current[new TriggerKey("openfaas-fn", "old")], Is.Null);
    }

    private sealed class RecordingEngine : ITriggerEngine
    {
        public System.Collections.Concurrent.ConcurrentDictionary<TriggerKey, FunctionTriggers?> Current { get; } = new();

        public IReadOnlySet<TriggerKey>? Retained { get; private set; }

        public void Set(TriggerKey key, FunctionTriggers? triggers)
        {
            Current[key] = triggers;
        }

        public void Retain(IReadOnlySet<TriggerKey> present) => Retained = present;
    }

    /// <summary>Just the listing parts of the platform and namespace store.</summary>
    private sealed class FakePlatform : IFunctionPlatform, INamespaceStore
    {
        private int _listings;

        public List<FunctionSpec> Functions { get; } = [];

        public int Listings => Volatile.Read(ref _listings);

        public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>(["openfaas-fn", "team-b"]);

        public Task<IReadOnlyList<FunctionInfo>> ListAsync(string @namespace, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _listings);
            return Task.FromResult<IReadOnlyList<FunctionInfo>>(Functions.Where(f => f.Namespace == @namespace).Select(f => new FunctionInfo { Spec = f, Replicas = 1 }).ToList());
        }

        public Task<FunctionInfo?> GetAsync(string @namespace, string name, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task DeployAsync(FunctionSpec spec, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task UpdateAsync(FunctionSpec spec, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task RemoveAsync(string @namespace, string name, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task ScaleAsync(string @namespace, string name, int replicas, CancellationToken cancellationToken) => throw new NotSupportedException();
        public ValueTask<EndpointLease> AcquireEndpointAsync(string @namespace, string name, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<FunctionNamespace?> GetAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task CreateAsync(FunctionNamespace ns, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task UpdateAsync(FunctionNamespace ns, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task DeleteAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> IsValidAsync(string name, CancellationToken cancellationToken) => Task.FromResult(true);
    }
}
