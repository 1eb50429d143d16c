using System.Collections.Concurrent;
using FaasD.Functions.Abstractions;

namespace FaasD.Gateway.Tests.Fakes;

internal sealed class FakeSecretStore : ISecretStore
{
    public ConcurrentDictionary<(string Ns, string Name), byte[]> Secrets { get; } = new();

    public Task<IReadOnlyList<string>> ListAsync(string @namespace, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(Secrets.Keys.Where(k => k.Ns == @namespace).Select(k => k.Name).Order().ToList());

    public Task WriteAsync(string @namespace, string name, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        Secrets[(@namespace, name)] = value.ToArray();
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Secrets.TryRemove((@namespace, name), out _)
            ? Task.CompletedTask
            : throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"secret {name} does not exist");

    public bool Exists(string @namespace, string name) => Secrets.ContainsKey((@namespace, name));
}
