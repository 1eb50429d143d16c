using System.Collections.Concurrent;
using FaasD.Functions.Abstractions;

namespace FaasD.Gateway.Tests.Fakes;

internal sealed class FakeNamespaceStore : INamespaceStore
{
    public const string Default = "openfaas-fn";

    public ConcurrentDictionary<string, FunctionNamespace> Namespaces { get; } = new();

    public void Reset()
    {
        Namespaces.Clear();
        Namespaces[Default] = new FunctionNamespace(Default, new Dictionary<string, string> { ["openfaas"] = "1" }, new Dictionary<string, string>());
    }

    public void Add(string name, string? openfaasLabel = "1")
    {
        var labels = new Dictionary<string, string>();
        if (openfaasLabel is not null)
        {
            labels["openfaas"] = openfaasLabel;
        }

        Namespaces[name] = new FunctionNamespace(name, labels, new Dictionary<string, string>());
    }

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(
            [Default, .. Namespaces.Values.Where(n => n.Name != Default && n.Labels.ContainsKey("openfaas")).Select(n => n.Name).Order()]);

    public Task<FunctionNamespace?> GetAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(Namespaces.TryGetValue(name, out var ns) ? ns : null);

    public Task CreateAsync(FunctionNamespace ns, CancellationToken cancellationToken) =>
        Namespaces.TryAdd(ns.Name, ns)
            ? Task.CompletedTask
            : throw new FunctionPlatformException(FunctionErrorKind.AlreadyExists, $"namespace {ns.Name} already exists");

    public Task UpdateAsync(FunctionNamespace ns, CancellationToken cancellationToken)
    {
        if (!Namespaces.ContainsKey(ns.Name))
        {
            throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"namespace {ns.Name} not found");
        }

        Namespaces[ns.Name] = ns;
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken) =>
        Namespaces.TryRemove(name, out _)
            ? Task.CompletedTask
            : throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"namespace {name} not found");

    public Task<bool> IsValidAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(name == Default
            || (Namespaces.TryGetValue(name, out var ns) && ns.Labels.TryGetValue("openfaas", out var v) && v is "1" or "true"));
}
