using System.Collections.Concurrent;
using FaasD.Functions.Abstractions;

namespace FaasD.Gateway.Tests.Fakes;

internal sealed class FakeFunctionUsage : IFunctionUsage
{
    /// <summary>Key: name.namespace.</summary>
    public ConcurrentDictionary<string, FunctionUsage> Values { get; } = new();

    public Task<FunctionUsage?> GetUsageAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Values.TryGetValue($"{name}.{@namespace}", out var usage) ? usage : null);
}
