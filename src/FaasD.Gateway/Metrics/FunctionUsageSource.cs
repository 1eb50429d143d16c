using FaasD.Functions.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace FaasD.Gateway.Metrics;

/// <summary>
/// The platform's <see cref="IFunctionUsage"/> when the host registered one (a gateway over a platform without
/// cgroups simply reports no usage). Read failures are not the caller's problem: usage is then absent.
/// </summary>
internal sealed class FunctionUsageSource(IServiceProvider services)
{
    private readonly IFunctionUsage? _usage = services.GetService<IFunctionUsage>();

    public async Task<FunctionUsage?> GetAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        if (_usage is null)
        {
            return null;
        }

        try
        {
            return await _usage.GetUsageAsync(@namespace, name, cancellationToken);
        }
        catch (IOException)
        {
            // A cgroup vanishing mid-read (the task just stopped) reads as "no usage", not as a failed list.
            return null;
        }
    }
}
