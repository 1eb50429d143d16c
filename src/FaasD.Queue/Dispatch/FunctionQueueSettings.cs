using FaasD.Functions.Abstractions;

namespace FaasD.Queue.Dispatch;

/// <summary>What a function's labels say about its async calls.</summary>
internal sealed record FunctionQueueSettings(int MaxInflight, RetryPolicy Retry)
{
    public const string MaxInflightLabel = "com.openfaas.queue.max-inflight";
}

/// <summary>
/// Reads the queue labels of a function from the platform, for a few seconds at a time: a redeploy with new labels
/// takes effect on the next calls without a lookup per call. A function that is gone gets the daemon defaults
/// (its call then fails with 404 and is reported).
/// </summary>
internal sealed class FunctionQueueSettingsSource(IFunctionPlatform platform, IOptions<AsyncQueueOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (FunctionQueueSettings Settings, long ReadAt)> _cache = new();
    private readonly int _defaultMaxInflight = Math.Max(1, options.Value.DefaultMaxInflight);

    public async ValueTask<FunctionQueueSettings> GetAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var key = @namespace + "/" + name;
        if (_cache.TryGetValue(key, out var cached) && time.GetElapsedTime(cached.ReadAt) < Freshness)
        {
            return cached.Settings;
        }

        FunctionInfo? info;
        try
        {
            info = await platform.GetAsync(@namespace, name, cancellationToken);
        }
        catch (FunctionPlatformException)
        {
            info = null;
        }

        var settings = info is null ? new FunctionQueueSettings(_defaultMaxInflight, RetryPolicy.Default) : FromLabels(info.Spec.Labels, _defaultMaxInflight);
        _cache[key] = (settings, time.GetTimestamp());
        return settings;
    }

    internal static FunctionQueueSettings FromLabels(IReadOnlyDictionary<string, string> labels, int defaultMaxInflight)
    {
        var maxInflight = labels.TryGetValue(FunctionQueueSettings.MaxInflightLabel, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
                ? n
                : defaultMaxInflight;
        return new FunctionQueueSettings(maxInflight, RetryPolicy.FromLabels(labels));
    }
}
