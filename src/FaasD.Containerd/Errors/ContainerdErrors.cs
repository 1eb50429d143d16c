namespace FaasD.Containerd.Errors;

/// <summary>
/// The one place a gRPC status becomes a <see cref="ContainerdException"/>. The interceptor calls it for every call shape,
/// so nothing above this assembly ever catches <see cref="RpcException"/>.
/// </summary>
internal static class ContainerdErrors
{
    public static ContainerdErrorKind KindOf(StatusCode code) => code switch
    {
        StatusCode.NotFound => ContainerdErrorKind.NotFound,
        StatusCode.AlreadyExists => ContainerdErrorKind.AlreadyExists,
        StatusCode.FailedPrecondition => ContainerdErrorKind.FailedPrecondition,
        StatusCode.Unavailable => ContainerdErrorKind.Unavailable,
        StatusCode.InvalidArgument => ContainerdErrorKind.InvalidArgument,
        StatusCode.Unimplemented => ContainerdErrorKind.NotImplemented,
        StatusCode.Cancelled => ContainerdErrorKind.Cancelled,
        StatusCode.DeadlineExceeded => ContainerdErrorKind.DeadlineExceeded,
        _ => ContainerdErrorKind.Internal,
    };

    /// <summary>Names a call as containerd's Go client would: <c>Containers.Get</c> for <c>containerd.services.containers.v1.Containers/Get</c>.</summary>
    public static string OperationName(string serviceName, string methodName)
    {
        var lastDot = serviceName.LastIndexOf('.');
        return $"{serviceName[(lastDot + 1)..]}.{methodName}";
    }

    public static ContainerdException Translate(RpcException exception, string operation, string? @namespace)
    {
        var status = exception.Status;
        var kind = KindOf(status.StatusCode);
        var where = @namespace is null ? "" : $" in namespace \"{@namespace}\"";
        var detail = string.IsNullOrEmpty(status.Detail) ? status.StatusCode.ToString() : status.Detail;

        // Transport failures (socket gone, daemon restarting) carry the real cause only in DebugException.
        if (status.DebugException is { } cause && kind is ContainerdErrorKind.Unavailable or ContainerdErrorKind.Internal)
        {
            detail = $"{detail} ({cause.GetType().Name}: {cause.Message})";
        }

        return new ContainerdException(kind, operation, $"containerd {operation}{where} failed ({kind}): {detail}", exception);
    }
}
