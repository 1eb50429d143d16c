using FaasD.Containerd.Errors;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FaasD.Containerd.Interception;

/// <summary>
/// The single interceptor of every containerd call: it scopes the call with the namespace (and lease) headers
/// and turns each <see cref="RpcException"/> — from a unary response, a stream read or a stream write — into a
/// <see cref="ContainerdException"/>.
/// </summary>
internal sealed class ContainerdCallInterceptor : Interceptor
{
    private readonly string? _namespace;
    private readonly string? _leaseId;

    public ContainerdCallInterceptor(string? @namespace, string? leaseId)
    {
        _namespace = @namespace;
        _leaseId = leaseId;
    }

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

    // Response headers are wrapped lazily (state-based constructors): most callers never ask for them, and an
    // eagerly guarded header task would fault unobserved whenever the call fails.

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, Scoped(context));
        return new AsyncUnaryCall<TResponse>(
            Guard(call.ResponseAsync, context),
            _ => Guard(call.ResponseHeadersAsync, context),
            _ => call.GetStatus(),
            _ => call.GetTrailers(),
            _ => call.Dispose(),
            call);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, Scoped(context));
        return new AsyncServerStreamingCall<TResponse>(
            new TranslatingStreamReader<TResponse>(call.ResponseStream, TranslatorFor(context)),
            _ => Guard(call.ResponseHeadersAsync, context),
            _ => call.GetStatus(),
            _ => call.GetTrailers(),
            _ => call.Dispose(),
            call);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(Scoped(context));
        return new AsyncClientStreamingCall<TRequest, TResponse>(
            new TranslatingStreamWriter<TRequest>(call.RequestStream, TranslatorFor(context)),
            Guard(call.ResponseAsync, context),
            _ => Guard(call.ResponseHeadersAsync, context),
            _ => call.GetStatus(),
            _ => call.GetTrailers(),
            _ => call.Dispose(),
            call);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(Scoped(context));
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(
            new TranslatingStreamWriter<TRequest>(call.RequestStream, TranslatorFor(context)),
            new TranslatingStreamReader<TResponse>(call.ResponseStream, TranslatorFor(context)),
            _ => Guard(call.ResponseHeadersAsync, context),
            _ => call.GetStatus(),
            _ => call.GetTrailers(),
            _ => call.Dispose(),
            call);
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
}
