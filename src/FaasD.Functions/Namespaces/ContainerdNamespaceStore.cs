namespace FaasD.Functions.Namespaces;

/// <summary>
/// OpenFaaS namespaces are containerd namespaces labelled <c>openfaas</c>. <c>openfaas-fn</c> is always valid.
/// Annotations are stored as labels with a prefix, since containerd namespaces only have labels.
/// The namespaces themselves are the runtime's (<see cref="IContainerRuntime"/>); this adds OpenFaaS's meaning.
/// Namespaces are FaasD's own: <c>openfaas</c> (compose services) and <c>default</c> can never become function
/// namespaces, and an existing namespace is claimed only when every container in it is FaasD's (else 409).
/// </summary>
internal sealed class ContainerdNamespaceStore(IContainerRuntime runtime) : INamespaceStore
{
    public const string OpenFaasLabel = "openfaas";
    private const string AnnotationPrefix = "com.openfaas.annotations.";

    /// <summary>containerd namespaces that belong to someone else: compose services and ctr/nerdctl's default.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal) { "openfaas", "default" };

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        var namespaces = await Call(() => runtime.ListNamespacesAsync(cancellationToken));
        var names = new List<string> { Names.DefaultNamespace };
        names.AddRange(namespaces
            .Where(n => n.Labels.ContainsKey(OpenFaasLabel) && n.Name != Names.DefaultNamespace && !Reserved.Contains(n.Name))
            .Select(n => n.Name)
            .Order(StringComparer.Ordinal));
        return names;
    }

    /// <summary>Makes sure openfaas-fn exists and carries the openfaas label, keeping any labels it already has.</summary>
    public async Task EnsureDefaultNamespaceAsync(CancellationToken cancellationToken)
    {
        var existing = await FindAsync(Names.DefaultNamespace, cancellationToken);
        if (existing is not null && existing.Labels.ContainsKey(OpenFaasLabel))
        {
            return;
        }

        var labels = new Dictionary<string, string> { [OpenFaasLabel] = "true" };
        await Call(() => runtime.EnsureNamespaceAsync(Names.DefaultNamespace, labels, cancellationToken));
    }

    public async Task<FunctionNamespace?> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (Reserved.Contains(name))
        {
            return null;
        }

        var ns = await FindAsync(name, cancellationToken);
        return ns is null || !ns.Labels.ContainsKey(OpenFaasLabel) ? null : ToFunctionNamespace(ns);
    }

    public async Task CreateAsync(FunctionNamespace ns, CancellationToken cancellationToken)
    {
        Names.ValidateNamespaceName(ns.Name);
        RequireOpenFaasLabel(ns);
        if (Reserved.Contains(ns.Name))
        {
            throw new FunctionPlatformException(FunctionErrorKind.Invalid, $"namespace {ns.Name} is reserved and cannot hold functions");
        }

        var existing = await FindAsync(ns.Name, cancellationToken);
        if (existing is not null && existing.Labels.ContainsKey(OpenFaasLabel))
        {
            throw new FunctionPlatformException(FunctionErrorKind.AlreadyExists, $"namespace {ns.Name} already exists");
        }

        if (existing is not null && await FirstForeignContainerAsync(ns.Name, cancellationToken) is { } foreign)
        {
            // Claiming it would let a deploy of the same name replace that container.
            throw new FunctionPlatformException(
                FunctionErrorKind.AlreadyExists,
                $"namespace {ns.Name} exists and holds containers FaasD did not create (e.g. {foreign}): choose another name");
        }

        if (existing is null)
        {
            await Call(() => runtime.EnsureNamespaceAsync(ns.Name, LabelsOf(ns), cancellationToken));
        }
        else
        {
            // containerd creates namespaces implicitly on first use; labelling one claims it for OpenFaaS.
            await ReplaceLabelsAsync(ns, cancellationToken);
        }
    }

    public async Task UpdateAsync(FunctionNamespace ns, CancellationToken cancellationToken)
    {
        RequireOpenFaasLabel(ns);
        if (await GetAsync(ns.Name, cancellationToken) is null)
        {
            throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"namespace {ns.Name} not found");
        }

        await ReplaceLabelsAsync(ns, cancellationToken);
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (await GetAsync(name, cancellationToken) is null)
        {
            throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"namespace {name} not found");
        }

        try
        {
            await runtime.DeleteNamespaceAsync(name, cancellationToken);
        }
        catch (RuntimeException ex) when (ex.Kind == RuntimeErrorKind.FailedPrecondition)
        {
            throw new FunctionPlatformException(FunctionErrorKind.Invalid, $"namespace {name} is not empty: remove its functions, images and secrets first", ex);
        }
        catch (RuntimeException ex)
        {
            throw RuntimeErrors.Translate(ex, "containerd");
        }
    }

    public async Task<bool> IsValidAsync(string name, CancellationToken cancellationToken)
    {
        if (name == Names.DefaultNamespace)
        {
            return true;
        }

        if (!Names.IsDns1123Label(name) || Reserved.Contains(name))
        {
            return false;
        }

        var ns = await FindAsync(name, cancellationToken);
        return ns is not null && ns.Labels.TryGetValue(OpenFaasLabel, out var value) && value is "1" or "true";
    }

    /// <summary>The id of a container in the namespace that carries no FaasD label, or null when all are FaasD's.</summary>
    private async Task<string?> FirstForeignContainerAsync(string name, CancellationToken cancellationToken)
    {
        var containers = await Call(() => runtime.ListContainersAsync(name, cancellationToken));
        return containers.FirstOrDefault(c => !RuntimeLabels.IsManaged(c.Labels))?.Id;
    }

    private Task ReplaceLabelsAsync(FunctionNamespace ns, CancellationToken cancellationToken) =>
        Call(() => runtime.ReplaceNamespaceLabelsAsync(ns.Name, LabelsOf(ns), cancellationToken));

    private async Task<NamespaceRecord?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var namespaces = await Call(() => runtime.ListNamespacesAsync(cancellationToken));
        return namespaces.FirstOrDefault(n => n.Name == name);
    }

    private static void RequireOpenFaasLabel(FunctionNamespace ns)
    {
        if (!ns.Labels.TryGetValue(OpenFaasLabel, out var value) || value is not ("1" or "true"))
        {
            throw new FunctionPlatformException(FunctionErrorKind.Invalid, "request does not have openfaas=1 label");
        }
    }

    private static Dictionary<string, string> LabelsOf(FunctionNamespace ns)
    {
        var labels = ns.Labels.ToDictionary();
        foreach (var (key, value) in ns.Annotations)
        {
            labels[AnnotationPrefix + key] = value;
        }

        return labels;
    }

    private static FunctionNamespace ToFunctionNamespace(NamespaceRecord ns) => new(
        ns.Name,
        ns.Labels.Where(l => !l.Key.StartsWith(AnnotationPrefix, StringComparison.Ordinal)).ToDictionary(),
        ns.Labels.Where(l => l.Key.StartsWith(AnnotationPrefix, StringComparison.Ordinal)).ToDictionary(l => l.Key[AnnotationPrefix.Length..], l => l.Value));

    private static async Task Call(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (RuntimeException ex)
        {
            throw RuntimeErrors.Translate(ex, "containerd");
        }
    }

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RuntimeException ex)
        {
            throw RuntimeErrors.Translate(ex, "containerd");
        }
    }
}
