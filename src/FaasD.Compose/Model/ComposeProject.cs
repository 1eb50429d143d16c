namespace FaasD.Compose.Model;

/// <summary>A validated compose file: services in start order (every service after its dependencies).</summary>
/// <param name="Ignored">Keys faasd does not honour, as <c>line N: services.x.key</c>, for one warning each.</param>
public sealed record ComposeProject(IReadOnlyList<ServiceDefinition> Services, IReadOnlyList<string> Ignored)
{
    public ServiceDefinition? Find(string name) => Services.FirstOrDefault(s => s.Name == name);
}
