using System.Collections.Concurrent;
using FaasD.Invocation;

namespace FaasD.Triggers.Tests.Fakes;

/// <summary>An <see cref="IFunctionInvoker"/> that records every call and answers with <see cref="Handler"/> (200, empty body by default).</summary>
internal sealed class RecordingInvoker : IFunctionInvoker
{
    private readonly ConcurrentQueue<InvocationRequest> _calls = new();

    public Func<InvocationRequest, CancellationToken, Task<InvocationResponse>> Handler { get; set; } =
        (_, _) => Task.FromResult(new InvocationResponse { StatusCode = 200 });

    public IReadOnlyList<InvocationRequest> Calls => _calls.ToArray();

    public int Count => _calls.Count;

    public IReadOnlyList<InvocationRequest> CallsOf(string name) => _calls.Where(c => c.Name == name).ToArray();

    public Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        _calls.Enqueue(request);
        return Handler(request, cancellationToken);
    }
}

internal sealed class RecordingQueue : IAsyncInvocationQueue
{
    private readonly ConcurrentQueue<AsyncInvocation> _calls = new();

    public IReadOnlyList<AsyncInvocation> Calls => _calls.ToArray();

    public Task<EnqueueResult> EnqueueAsync(AsyncInvocation invocation, CancellationToken cancellationToken)
    {
        _calls.Enqueue(invocation);
        return Task.FromResult(new EnqueueResult(EnqueueStatus.Accepted));
    }

    public Task<IReadOnlyList<QueueDepth>> DepthAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<QueueDepth>>([]);
}
