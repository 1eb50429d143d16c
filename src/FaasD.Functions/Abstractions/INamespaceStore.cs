namespace FaasD.Functions.Abstractions;

public sealed record FunctionNamespace(
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations);

/// <summary>containerd namespaces that OpenFaaS may use (label "openfaas").</summary>
public interface INamespaceStore
{
    /// <summary>openfaas-fn first, then every namespace carrying the openfaas label.</summary>
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken);

    Task<FunctionNamespace?> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>Throws AlreadyExists.</summary>
    Task CreateAsync(FunctionNamespace ns, CancellationToken cancellationToken);

    /// <summary>Throws NotFound.</summary>
    Task UpdateAsync(FunctionNamespace ns, CancellationToken cancellationToken);

    /// <summary>Throws NotFound.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken);

    /// <summary>True for openfaas-fn and labelled namespaces.</summary>
    Task<bool> IsValidAsync(string name, CancellationToken cancellationToken);
}
