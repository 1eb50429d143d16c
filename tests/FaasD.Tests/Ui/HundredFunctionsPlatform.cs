using System.Runtime.CompilerServices;
using FaasD.Functions.Abstractions;

namespace FaasD.Tests.Ui;

/// <summary>
/// A platform that reports <see cref="Count"/> deployed functions without running any: the portal's list is
/// measured with a hundred rows without deploying a hundred containers on a shared test machine.
/// </summary>
internal sealed class HundredFunctionsPlatform : IFunctionPlatform, INamespaceStore, ISecretStore, ILogSource, IFunctionUsage
{
    public const int Count = 100;
    private const string Namespace = "openfaas-fn";

    private readonly IReadOnlyList<FunctionInfo> _functions = Enumerable.Range(0, Count).Select(i => new FunctionInfo
    {
        Spec = new FunctionSpec { Name = $"fn-{i:000}", Namespace = Namespace, Image = $"ghcr.io/example/fn-{i:000}:1.{i}" },
        Replicas = i % 10 == 0 ? 0 : 1,
        AvailableReplicas = i % 10 == 0 ? 0 : 1,
        State = i % 10 == 0 ? FunctionState.Paused : FunctionState.Running,
        CreatedAt = DateTimeOffset.UnixEpoch.AddDays(20000 + i),
    }).ToList();

    public Task<IReadOnlyList<FunctionInfo>> ListAsync(string @namespace, CancellationToken cancellationToken) =>
        Task.FromResult(@namespace == Namespace ? _functions : []);

    public Task<FunctionInfo?> GetAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(_functions.FirstOrDefault(f => f.Spec.Namespace == @namespace && f.Spec.Name == name));

    public Task<FunctionUsage?> GetUsageAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult<FunctionUsage?>(new FunctionUsage(1, 5, 3_000_000));

    public Task DeployAsync(FunctionSpec spec, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task UpdateAsync(FunctionSpec spec, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task RemoveAsync(string @namespace, string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task ScaleAsync(string @namespace, string name, int replicas, CancellationToken cancellationToken) => throw new NotSupportedException();

    public ValueTask<EndpointLease> AcquireEndpointAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    Task<IReadOnlyList<string>> INamespaceStore.ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([Namespace]);

    Task<FunctionNamespace?> INamespaceStore.GetAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<FunctionNamespace?>(name == Namespace ? new FunctionNamespace(name, new Dictionary<string, string>(), new Dictionary<string, string>()) : null);

    public Task CreateAsync(FunctionNamespace ns, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task UpdateAsync(FunctionNamespace ns, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DeleteAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> IsValidAsync(string name, CancellationToken cancellationToken) => Task.FromResult(name == Namespace);

    Task<IReadOnlyList<string>> ISecretStore.ListAsync(string @namespace, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);

    public Task WriteAsync(string @namespace, string name, ReadOnlyMemory<byte> value, CancellationToken cancellationToken) => throw new NotSupportedException();

    Task ISecretStore.RemoveAsync(string @namespace, string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    public bool Exists(string @namespace, string name) => false;

    public async IAsyncEnumerable<LogEntry> ReadAsync(LogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }
}
