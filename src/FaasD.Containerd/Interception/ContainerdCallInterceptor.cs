using Grpc.Core.Interceptors;

namespace FaasD.Containerd.Interception;

/// <summary>
/// The single interceptor of every containerd call: it scopes the call with the namespace (and lease) headers
/// and turns each <see cref="RpcException"/> — from a unary response, a stream read or a stream write — into a
/// <see cref="ContainerdException"/>.
/// </summary>
internal sealed class ContainerdCallInterceptor(string? @namespace, string? leaseId) : Interceptor
{
    private readonly string? _namespace = @namespace;
    private readonly string? _leaseId = leaseId;

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        try
        {
            return continuation(request, Scoped(context));
        }
        catch (RpcException exception)
        {
            throw Translate(exception, context.Method, context.Options.CancellationToken);
        }
    }

    // Response headers are wrapped lazily (state-based constructors, see CallHooks): most callers never ask for
    // them, and an eagerly guarded header task would fault unobserved whenever the call fails.

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, Scoped(context));
        var hooks = new CallHooks(() => Guard(call.ResponseHeadersAsync, context), call.GetStatus, call.GetTrailers, call.Dispose);
        return new AsyncUnaryCall<TResponse>(Guard(call.ResponseAsync, context), CallHooks.HeadersOf, CallHooks.StatusOf, CallHooks.TrailersOf, CallHooks.DisposeOf, hooks);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, Scoped(context));
        var responses = new TranslatingStreamReader<TResponse>(call.ResponseStream, TranslatorFor(context));
        var hooks = new CallHooks(() => Guard(call.ResponseHeadersAsync, context), call.GetStatus, call.GetTrailers, call.Dispose);
        return new AsyncServerStreamingCall<TResponse>(responses, CallHooks.HeadersOf, CallHooks.StatusOf, CallHooks.TrailersOf, CallHooks.DisposeOf, hooks);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(Scoped(context));
        var requests = new TranslatingStreamWriter<TRequest>(call.RequestStream, TranslatorFor(context));
        var hooks = new CallHooks(() => Guard(call.ResponseHeadersAsync, context), call.GetStatus, call.GetTrailers, call.Dispose);
        return new AsyncClientStreamingCall<TRequest, TResponse>(
            requests, Guard(call.ResponseAsync, context), CallHooks.HeadersOf, CallHooks.StatusOf, CallHooks.TrailersOf, CallHooks.DisposeOf, hooks);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(Scoped(context));
        var requests = new TranslatingStreamWriter<TRequest>(call.RequestStream, TranslatorFor(context));
        var responses = new TranslatingStreamReader<TResponse>(call.ResponseStream, TranslatorFor(context));
        var hooks = new CallHooks(() => Guard(call.ResponseHeadersAsync, context), call.GetStatus, call.GetTrailers, call.Dispose);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(
            requests, responses, CallHooks.HeadersOf, CallHooks.StatusOf, CallHooks.TrailersOf, CallHooks.DisposeOf, hooks);
    }

    /// <summary>Adds our headers unless the caller set its own value for that key on this one call.</summary>
    private ClientInterceptorContext<TRequest, TResponse> Scoped<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        if (_namespace is null && _leaseId is null)
        {
            return context;
        }

        var existing = context.Options.Headers;
        var headers = new Metadata();
        if (existing is not null)
        {
            foreach (var entry in existing)
            {
                headers.Add(entry);
            }
        }

        if (_namespace is not null && existing?.Get(ContainerdHeaders.Namespace) is null)
        {
            headers.Add(ContainerdHeaders.Namespace, _namespace);
        }

        if (_leaseId is not null && existing?.Get(ContainerdHeaders.Lease) is null)
        {
            headers.Add(ContainerdHeaders.Lease, _leaseId);
        }

        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
    }

    private async Task<T> Guard<T, TRequest, TResponse>(Task<T> pending, ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        try
        {
            return await pending;
        }
        catch (RpcException exception)
        {
            throw Translate(exception, context.Method, context.Options.CancellationToken);
        }
    }

    /// <summary>Translation for stream reads and writes, which also know the token of the single read or write.</summary>
    private Func<RpcException, CancellationToken, Exception> TranslatorFor<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class =>
        (exception, operationToken) => Translate(exception, context.Method, context.Options.CancellationToken, operationToken);

    /// <summary>
    /// Cancelled because the caller's token fired is the caller's own doing: that stays an OperationCanceledException,
    /// as everywhere else in .NET. Every other failure becomes a ContainerdException.
    /// </summary>
    private Exception Translate(RpcException exception, IMethod method, CancellationToken callToken, CancellationToken operationToken = default)
    {
        var operation = ContainerdErrors.OperationName(method.ServiceName, method.Name);
        if (exception.StatusCode == StatusCode.Cancelled)
        {
            var cancelled = callToken.IsCancellationRequested ? callToken : operationToken;
            if (cancelled.IsCancellationRequested)
            {
                return new OperationCanceledException($"containerd {operation} was cancelled", exception, cancelled);
            }
        }

        return ContainerdErrors.Translate(exception, operation, _namespace);
    }

    /// <summary>
    /// The state every wrapped call carries, for gRPC's state-based call constructors: what the caller may ask of the
    /// call (headers, status, trailers) and how to dispose it, with the static accessors those constructors take.
    /// </summary>
    private sealed class CallHooks(Func<Task<Metadata>> headers, Func<Status> status, Func<Metadata> trailers, Action dispose)
    {
        public static Task<Metadata> HeadersOf(object state) => ((CallHooks)state)._headers();

        public static Status StatusOf(object state) => ((CallHooks)state)._status();

        public static Metadata TrailersOf(object state) => ((CallHooks)state)._trailers();

        public static void DisposeOf(object state) => ((CallHooks)state)._dispose();

        private readonly Func<Task<Metadata>> _headers = headers;
        private readonly Func<Status> _status = status;
        private readonly Func<Metadata> _trailers = trailers;
        private readonly Action _dispose = dispose;
    }
}
