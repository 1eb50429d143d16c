using FaasD.Compose.Ports;
using FaasD.Compose.Restart;

namespace FaasD.Compose;

/// <summary>Builds the compose part from the few things it needs from the host; the one place its pieces meet.</summary>
internal static class ComposeHostFactory
{
    public static ComposeHost Create(
        ComposeOptions options,
        IContainerRuntime runtime,
        ILogCapture logs,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var addresses = new ServiceAddressBook(new HostsFile(options.ResolvedHostsFile), options.ExtraHosts);
        var services = new ServiceRunner(runtime, new ServiceSpecBuilder(options), addresses, logs, options, loggerFactory.CreateLogger<ServiceRunner>());
        return new ComposeHost(
            options,
            new ProjectRunner(runtime, services, addresses, options, loggerFactory.CreateLogger<ProjectRunner>()),
            new ServiceSupervisor(runtime, services, addresses, options, time, loggerFactory.CreateLogger<ServiceSupervisor>()),
            addresses,
            new PortProxies(addresses.Find, options.ProxyBufferSize, loggerFactory.CreateLogger<PortProxies>()),
            loggerFactory.CreateLogger<ComposeHost>());
    }
}
