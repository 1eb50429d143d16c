namespace FaasD.Functions.Deployment;

/// <summary>
/// The in-memory view of every deployed function's configuration, rebuilt from containerd at start and kept
/// current by deploy, update and remove. Lists and describes read it without a gRPC round-trip.
/// </summary>
internal sealed class FunctionCatalog
{
    private readonly ConcurrentDictionary<FunctionKey, DeployedFunction> _functions = new();

    public bool TryGet(FunctionKey key, out DeployedFunction function) => _functions.TryGetValue(key, out function!);

    public void Set(FunctionKey key, DeployedFunction function) => _functions[key] = function;

    public bool Remove(FunctionKey key) => _functions.TryRemove(key, out _);

    public IReadOnlyList<(FunctionKey Key, DeployedFunction Function)> InNamespace(string @namespace) =>
        _functions.Where(f => f.Key.Namespace == @namespace)
            .OrderBy(f => f.Key.Name, StringComparer.Ordinal)
            .Select(f => (f.Key, f.Value))
            .ToList();

    public IReadOnlyList<(FunctionKey Key, DeployedFunction Function)> All() =>
        _functions.Select(f => (f.Key, f.Value)).ToList();

    public int Count => _functions.Count;
}
