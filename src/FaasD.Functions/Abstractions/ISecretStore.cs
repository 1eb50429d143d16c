namespace FaasD.Functions.Abstractions;

/// <summary>Function secrets, stored as files under the state directory (0600), mounted read-only into functions.</summary>
public interface ISecretStore
{
    Task<IReadOnlyList<string>> ListAsync(string @namespace, CancellationToken cancellationToken);

    /// <summary>Creates or overwrites a secret. Throws Invalid for a bad name or namespace.</summary>
    Task WriteAsync(string @namespace, string name, ReadOnlyMemory<byte> value, CancellationToken cancellationToken);

    /// <summary>Throws NotFound when the secret does not exist.</summary>
    Task RemoveAsync(string @namespace, string name, CancellationToken cancellationToken);

    bool Exists(string @namespace, string name);
}
