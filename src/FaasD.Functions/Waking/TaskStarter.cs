using System.Globalization;
using System.Net;
using FaasD.Runtime;
using FaasD.Runtime.Logs;

namespace FaasD.Functions.Waking;

/// <summary>
/// The step deploy, recovery and a cold wake share: start the container's task (network attached first),
/// follow its output, and wait until the function's port accepts. Its own class so the platform and the
/// lifecycle the registry drives both use it without needing each other.
/// </summary>
internal sealed class TaskStarter(IContainerRuntime runtime, ILogCapture logs, FunctionPlatformOptions options, TimeProvider time)
{
    /// <summary>Task create + network + start, then waits for the port; returns the destination prefix.</summary>
    public async Task<string> StartAsync(string @namespace, string function, string containerId, CancellationToken cancellationToken)
    {
        var task = await runtime.StartTaskAsync(@namespace, containerId, cancellationToken);
        var address = task.Address ?? throw new RuntimeException(RuntimeErrorKind.Internal, $"task of {containerId} has no IP address");
        Follow(@namespace, function, containerId);
        await PortProbe.WaitUntilAcceptsAsync(address, options.FunctionPort, options.ReadinessTimeout, time, cancellationToken);
        return DestinationFor(address);
    }

    /// <summary>A task found running (or frozen) at start-up: follow its output again and say where it answers.</summary>
    public string Adopt(string @namespace, string function, string containerId, IPAddress address)
    {
        Follow(@namespace, function, containerId);
        return DestinationFor(address);
    }

    private void Follow(string @namespace, string function, string containerId) => logs.Follow(@namespace, function, containerId);

    private string DestinationFor(IPAddress address) =>
        $"http://{address}:{options.FunctionPort.ToString(CultureInfo.InvariantCulture)}";
}
