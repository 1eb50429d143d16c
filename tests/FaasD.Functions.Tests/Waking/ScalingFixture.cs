using FaasD.Functions.Scaling;
using FaasD.Functions.Waking;
using Microsoft.Extensions.Time.Testing;

namespace FaasD.Functions.Tests.Waking;

/// <summary>A registry over a <see cref="FakeLifecycle"/> and a <see cref="FakeTimeProvider"/>: time moves only when a test says so.</summary>
internal sealed class ScalingFixture
{
    public const string Destination = "http://10.62.0.7:8080";

    /// <summary>Bound for awaiting work that is already unblocked; never a wait for idle logic.</summary>
    public static readonly TimeSpan Safety = TimeSpan.FromSeconds(10);

    public static readonly FunctionKey Key = new("openfaas-fn", "figlet");

    public ScalingFixture(Action<ScaleToZeroOptions>? configure = null)
    {
        Options = new ScaleToZeroOptions
        {
            WakeTimeout = TimeSpan.FromSeconds(30),
            // Longer than the wake timeout, so that advancing the clock to the wake timeout does not also cancel the call.
            OperationTimeout = TimeSpan.FromMinutes(2),
            ReadinessTimeout = TimeSpan.FromMinutes(2),
            DrainTimeout = TimeSpan.FromSeconds(30),
        };
        configure?.Invoke(Options);
        Registry = new FunctionRegistry(Lifecycle, Options, Time, Logs);
    }

    public FakeTimeProvider Time { get; } = new();

    public FakeLifecycle Lifecycle { get; } = new();

    public CapturingLoggerFactory Logs { get; } = new();

    public ScaleToZeroOptions Options { get; }

    public FunctionRegistry Registry { get; }

    public static ScaleToZeroSettings Idle(TimeSpan idle, TimeSpan? stopAfter = null) => new(true, idle, stopAfter);

    public FunctionHandle Add(LifecycleState state, ScaleToZeroSettings? settings = null)
    {
        Registry.TryAdd(
            Key,
            state,
            state == LifecycleState.Stopped ? null : Destination,
            settings ?? Idle(TimeSpan.FromMinutes(5)),
            out var handle);
        return handle;
    }

    public ValueTask<Abstractions.EndpointLease> AcquireAsync(CancellationToken cancellationToken = default) =>
        Registry.AcquireEndpointAsync(Key.Namespace, Key.Name, cancellationToken);
}
