namespace FaasD.Functions.Abstractions;

/// <summary>
/// The line between the gateway and everything below it: no HTTP types cross it.
/// Management calls throw <see cref="FunctionPlatformException"/>; the hot path returns a result instead.
/// </summary>
public interface IFunctionPlatform
{
    /// <summary>Functions of one namespace. Throws Invalid/NotFound for a namespace that is not an OpenFaaS namespace.</summary>
    Task<IReadOnlyList<FunctionInfo>> ListAsync(string @namespace, CancellationToken cancellationToken);

    /// <summary>One function, or null when it does not exist.</summary>
    Task<FunctionInfo?> GetAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>Creates a function and returns once it answers on its port. Throws AlreadyExists when present.</summary>
    Task DeployAsync(FunctionSpec spec, CancellationToken cancellationToken);

    /// <summary>Replaces an existing function with as little downtime as possible. Throws NotFound when absent.</summary>
    Task UpdateAsync(FunctionSpec spec, CancellationToken cancellationToken);

    /// <summary>Stops and removes a function and everything it held. Throws NotFound when absent.</summary>
    Task RemoveAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>0 freezes every replica (scale to zero); 1 or more wakes the function and sets its replica count within its com.openfaas.scale.min/max labels.</summary>
    Task ScaleAsync(string @namespace, string name, int replicas, CancellationToken cancellationToken);

    /// <summary>
    /// Hot path: where to send a request for this function (the ready replica with the fewest requests in flight,
    /// ties round-robin), waking it when it is frozen or has no task.
    /// The caller must call <see cref="EndpointLease.Dispose"/> when the request is done (in-flight tracking).
    /// </summary>
    ValueTask<EndpointLease> AcquireEndpointAsync(string @namespace, string name, CancellationToken cancellationToken);
}
