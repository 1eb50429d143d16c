namespace FaasD.Compose.Parsing;

/// <summary>Sorts services so each comes after what it depends on; refuses unknown dependencies and cycles.</summary>
internal static class DependencyOrder
{
    public static List<ServiceDefinition> Sort(IReadOnlyList<ServiceDefinition> services)
    {
        var byName = services.ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var service in services)
        {
            foreach (var dependency in service.DependsOn)
            {
                if (!byName.ContainsKey(dependency))
                {
                    throw new ComposeException($"depends on '{dependency}', which is not a service in the file", service.Line, service.Name);
                }
            }
        }

        // Depth-first, in file order, so independent services keep the order they were written in.
        var sorted = new List<ServiceDefinition>(services.Count);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var service in services)
        {
            Visit(service, byName, done, path, sorted);
        }

        return sorted;
    }

    private static void Visit(ServiceDefinition service, Dictionary<string, ServiceDefinition> byName, HashSet<string> done, List<string> path, List<ServiceDefinition> sorted)
    {
        if (done.Contains(service.Name))
        {
            return;
        }

        var start = path.IndexOf(service.Name);
        if (start >= 0)
        {
            var cycle = string.Join(" -> ", path[start..].Append(service.Name));
            throw new ComposeException($"dependency cycle: {cycle}", service.Line, service.Name);
        }

        path.Add(service.Name);
        foreach (var dependency in service.DependsOn)
        {
            Visit(byName[dependency], byName, done, path, sorted);
        }

        path.RemoveAt(path.Count - 1);
        done.Add(service.Name);
        sorted.Add(service);
    }
}
