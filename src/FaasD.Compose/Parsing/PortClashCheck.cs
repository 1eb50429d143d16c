namespace FaasD.Compose.Parsing;

/// <summary>Two listeners on one port would fail at bind time; say which services collide before starting anything.</summary>
internal static class PortClashCheck
{
    public static void Check(IReadOnlyList<ServiceDefinition> services)
    {
        var taken = new List<(ServiceDefinition Service, PublishedPort Port)>();
        foreach (var service in services)
        {
            foreach (var port in service.Ports)
            {
                var clash = taken.FirstOrDefault(t => t.Port.Published == port.Published && Overlaps(t.Port.HostAddress, port.HostAddress));
                if (clash.Service is not null)
                {
                    var other = clash.Service.Name == service.Name ? "itself" : $"service {clash.Service.Name}";
                    throw new ComposeException($"port {port} clashes with {clash.Port} of {other}", service.Line, service.Name);
                }

                taken.Add((service, port));
            }
        }
    }

    // A wildcard address takes the port on every address of its family (and 0.0.0.0 vs :: collide on dual-stack hosts).
    private static bool Overlaps(IPAddress a, IPAddress b) =>
        a.Equals(b) || IsAny(a) || IsAny(b);

    private static bool IsAny(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
}
