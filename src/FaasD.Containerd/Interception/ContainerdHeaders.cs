namespace FaasD.Containerd.Interception;

/// <summary>gRPC metadata keys containerd reads to scope a call (see containerd's namespaces/grpc.go and leases/grpc.go).</summary>
public static class ContainerdHeaders
{
    public const string Namespace = "containerd-namespace";
    public const string Lease = "containerd-lease";
}
