using FaasD.Invocation;

namespace FaasD.Queue.Tests.Fakes;

/// <summary>An <see cref="IFunctionInvoker"/> that records calls and in-flight counts and answers what the test says.</summary>
internal sealed class FakeInvoker : IFunctionInvoker
{
    private readonly object _gate = new();
    private int _inflight;

    /// <summary>Answer per call; may await (a gate) to keep calls in flight.</summary>
    public Func<InvocationRequest, int, CancellationToken, Task<InvocationResponse>> Answer { get; set; } =
        (_, _, _) => Task.FromResult(new InvocationResponse { StatusCode = 200 });

    public List<InvocationRequest> Calls { get; } = [];

    public int MaxInflight { get; private set; }

    public int Inflight { get { lock (_gate) { return _inflight; } } }

    public int CallCount { get { lock (_gate) { return Calls.Count; } } }

    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        int number;
        lock (_gate)
        {
            Calls.Add(request);
            number = Calls.Count;
            _inflight++;
            MaxInflight = Math.Max(MaxInflight, _inflight);
        }

        try
        {
            return await Answer(request, number, cancellationToken);
        }
        finally
        {
            lock (_gate)
            {
                _inflight--;
            }
        }
    }
}
