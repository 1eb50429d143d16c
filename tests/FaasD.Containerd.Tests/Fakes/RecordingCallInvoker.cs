using Grpc.Core;

namespace FaasD.Containerd.Tests.Fakes;

/// <summary>
/// An in-memory transport: records what each call carried and answers with a fixed response, or fails every call
/// with a chosen status the way a real channel would (failed response task, failing stream read).
/// </summary>
internal sealed class RecordingCallInvoker : CallInvoker
{
    private readonly Func<string, object?> _respond;

    /// <param name="respond">Makes the response message for a call by method full name; return null to fail with <see cref="FailWith"/>.</param>
    public RecordingCallInvoker(Func<string, object?>? respond = null) => _respond = respond ?? (_ => null);

    public Status FailWith { get; set; } = new(StatusCode.Internal, "no response configured");

    public List<RecordedCall> Calls { get; } = [];

    public RecordedCall LastCall => Calls[^1];

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Record(method, options, request);
        return Response<TResponse>(method) ?? throw new RpcException(FailWith);
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Record(method, options, request);
        var response = Response<TResponse>(method);
        return new AsyncUnaryCall<TResponse>(
            response is null ? Task.FromException<TResponse>(new RpcException(FailWith)) : Task.FromResult(response),
            Task.FromResult(new Metadata()),
            () => FailWith,
            () => [],
            () => { });
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Record(method, options, request);
        return new AsyncServerStreamingCall<TResponse>(new FailingReader<TResponse>(FailWith), Task.FromResult(new Metadata()), () => FailWith, () => [], () => { });
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
    {
        Record(method, options, request: null);
        return new AsyncClientStreamingCall<TRequest, TResponse>(
            new FailingWriter<TRequest>(FailWith),
            Task.FromException<TResponse>(new RpcException(FailWith)),
            Task.FromResult(new Metadata()),
            () => FailWith,
            () => [],
            () => { });
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
    {
        Record(method, options, request: null);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(
            new AcceptingWriter<TRequest>(),
            new FailingReader<TResponse>(FailWith),
            Task.FromResult(new Metadata()),
            () => FailWith,
            () => [],
            () => { });
    }

    private TResponse? Response<TResponse>(IMethod method) where TResponse : class => _respond(method.FullName) as TResponse;

    private void Record(IMethod method, CallOptions options, object? request) =>
        Calls.Add(new RecordedCall(method.FullName, options.Headers?.ToList() ?? [], request));

    private sealed class FailingReader<T>(Status status) : IAsyncStreamReader<T>
    {
        public T Current => throw new InvalidOperationException("no current message");

        public Task<bool> MoveNext(CancellationToken cancellationToken) => Task.FromException<bool>(new RpcException(status));
    }

    private sealed class FailingWriter<T>(Status status) : IClientStreamWriter<T>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(T message) => Task.FromException(new RpcException(status));

        public Task CompleteAsync() => Task.FromException(new RpcException(status));
    }

    private sealed class AcceptingWriter<T> : IClientStreamWriter<T>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(T message) => Task.CompletedTask;

        public Task CompleteAsync() => Task.CompletedTask;
    }
}

internal sealed record RecordedCall(string Method, IReadOnlyList<Metadata.Entry> Headers, object? Request)
{
    public string? Header(string key) => Headers.FirstOrDefault(entry => entry.Key == key)?.Value;

    public int CountOf(string key) => Headers.Count(entry => entry.Key == key);
}
