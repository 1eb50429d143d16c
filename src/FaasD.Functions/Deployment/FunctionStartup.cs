using FaasD.Functions.Namespaces;

namespace FaasD.Functions.Deployment;

/// <summary>The platform's start-up: openfaas-fn is claimed for OpenFaaS first, then every function is recovered.</summary>
internal sealed class FunctionStartup(ContainerdNamespaceStore namespaces, FunctionRecovery recovery) : IFunctionRecovery
{
    public async Task<RecoverySummary> RecoverAsync(CancellationToken cancellationToken)
    {
        await namespaces.EnsureDefaultNamespaceAsync(cancellationToken);
        return await recovery.RecoverAsync(cancellationToken);
    }
}
