using FaasD.Functions.Abstractions;

namespace FaasD.Queue.Tests.Fakes;

/// <summary>Only <see cref="GetAsync"/> is used by the queue (for labels); the rest is not needed.</summary>
internal sealed class FakePlatform : IFunctionPlatform
{
    public Dictionary<string, Dictionary<string, string>> Labels { get; } = [];

    public Task<FunctionInfo?> GetAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult<FunctionInfo?>(new FunctionInfo
        {
            Spec = new FunctionSpec { Name = name, Namespace = @namespace, Image = "img", Labels = Labels.GetValueOrDefault(name) ?? [] },
        });

    public Task<IReadOnlyList<FunctionInfo>> ListAsync(string @namespace, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DeployAsync(FunctionSpec spec, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task UpdateAsync(FunctionSpec spec, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task RemoveAsync(string @namespace, string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task ScaleAsync(string @namespace, string name, int replicas, CancellationToken cancellationToken) => throw new NotSupportedException();

    public ValueTask<EndpointLease> AcquireEndpointAsync(string @namespace, string name, CancellationToken cancellationToken) => throw new NotSupportedException();
}
