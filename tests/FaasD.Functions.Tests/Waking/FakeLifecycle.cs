using FaasD.Functions.Scaling;
using FaasD.Functions.Waking;

namespace FaasD.Functions.Tests.Waking;

/// <summary>An <see cref="IFunctionLifecycle"/> whose calls the test counts, holds open and fails at will.</summary>
internal sealed class FakeLifecycle : IFunctionLifecycle
{
    public FakeCall Pause { get; } = new();
    public FakeCall Resume { get; } = new();
    public FakeCall Start { get; } = new();
    public FakeCall Stop { get; } = new();

    public string StartDestination { get; set; } = "http://10.62.0.9:8080";

    /// <summary>Containers frozen and thawed, in call order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Paused { get; } = new();

    public System.Collections.Concurrent.ConcurrentQueue<string> Resumed { get; } = new();

    public Task PauseAsync(FunctionKey key, string containerId, CancellationToken cancellationToken)
    {
        Paused.Enqueue(containerId);
        return Pause.InvokeAsync(cancellationToken);
    }

    public Task ResumeAsync(FunctionKey key, string containerId, CancellationToken cancellationToken)
    {
        Resumed.Enqueue(containerId);
        return Resume.InvokeAsync(cancellationToken);
    }

    public async Task<string> StartAsync(FunctionKey key, CancellationToken cancellationToken)
    {
        await Start.InvokeAsync(cancellationToken);
        return StartDestination;
    }

    public Task StopAsync(FunctionKey key, CancellationToken cancellationToken) => Stop.InvokeAsync(cancellationToken);
}

/// <summary>One lifecycle operation: completes at once unless held; fails once when told to.</summary>
internal sealed class FakeCall
{
    private readonly TaskCompletionSource _called = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;
    private TaskCompletionSource? _gate;
    private Exception? _failNext;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Completes when the operation is first called.</summary>
    public Task Called => _called.Task;

    /// <summary>Calls from now on wait until <see cref="Release"/> or <see cref="Fail"/>.</summary>
    public void Hold() => Volatile.Write(ref _gate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Release() => Interlocked.Exchange(ref _gate, null)?.TrySetResult();

    /// <summary>Fails the held calls, or (when none is held) the next call.</summary>
    public void Fail(Exception exception)
    {
        var gate = Interlocked.Exchange(ref _gate, null);
        if (gate is null)
        {
            Volatile.Write(ref _failNext, exception);
        }
        else
        {
            gate.TrySetException(exception);
        }
    }

    public async Task InvokeAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        _called.TrySetResult();
        if (Interlocked.Exchange(ref _failNext, null) is { } failure)
        {
            throw failure;
        }

        if (Volatile.Read(ref _gate) is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }
    }
}
