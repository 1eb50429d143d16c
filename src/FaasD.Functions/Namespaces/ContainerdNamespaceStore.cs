using FaasD.Containerd;
using FaasD.Containerd.Errors;
using FaasD.Functions.Abstractions;
using FaasD.Functions.Validation;
using Api = FaasD.Containerd.Api.Namespaces;
using ContainersApi = FaasD.Containerd.Api.Containers;

namespace FaasD.Functions.Namespaces;

/// <summary>
/// OpenFaaS namespaces are containerd namespaces labelled <c>openfaas</c>. <c>openfaas-fn</c> is always valid.
/// Annotations are stored as labels with a prefix, since containerd namespaces only have labels.
/// Changes go through the namespace's own scope: containerd applies them there (from the global scope it
/// makes the change and then reports an error).
/// Namespaces are FaasD's own: <c>openfaas</c> (compose services) and <c>default</c> can never become function
/// namespaces, and an existing namespace is claimed only when every container in it is FaasD's (else 409).
/// </summary>
public sealed class ContainerdNamespaceStore(ContainerdClient client) : INamespaceStore
{
    public const string OpenFaasLabel = "openfaas";
    private const string AnnotationPrefix = "com.openfaas.annotations.";

    /// <summary>containerd namespaces that belong to someone else: compose services and ctr/nerdctl's default.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal) { "openfaas", "default" };

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        var response = await Call(() => client.Global.Namespaces.ListAsync(new Api.ListNamespacesRequest(), cancellationToken: cancellationToken).ResponseAsync);
        var names = new List<string> { Names.DefaultNamespace };
        names.AddRange(response.Namespaces
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

        var labels = existing?.Labels.ToDictionary() ?? [];
        labels[OpenFaasLabel] = "true";
        var ns = new Api.Namespace { Name = Names.DefaultNamespace };
        ns.Labels.Add(labels);
        var scope = client.Namespace(Names.DefaultNamespace).Namespaces;
        if (existing is null)
        {
            await Call(() => scope.CreateAsync(new Api.CreateNamespaceRequest { Namespace = ns }, cancellationToken: cancellationToken).ResponseAsync);
        }
        else
        {
            // No mask: containerd replaces every label (a "labels" path is refused; only "labels.<key>" paths exist).
            var request = new Api.UpdateNamespaceRequest { Namespace = ns };
            await Call(() => scope.UpdateAsync(request, cancellationToken: cancellationToken).ResponseAsync);
        }
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
            await Call(() => client.Namespace(ns.Name).Namespaces.CreateAsync(new Api.CreateNamespaceRequest { Namespace = ToContainerd(ns) }, cancellationToken: cancellationToken).ResponseAsync);
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
            await client.Namespace(name).Namespaces.DeleteAsync(new Api.DeleteNamespaceRequest { Name = name }, cancellationToken: cancellationToken);
        }
        catch (ContainerdException ex) when (ex.Kind == ContainerdErrorKind.FailedPrecondition)
        {
            throw new FunctionPlatformException(FunctionErrorKind.Invalid, $"namespace {name} is not empty: remove its functions, images and secrets first", ex);
        }
        catch (ContainerdException ex) when (ex.Kind == ContainerdErrorKind.NotFound)
        {
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
        var response = await Call(() => client.Namespace(name).Containers.ListAsync(new ContainersApi.ListContainersRequest(), cancellationToken: cancellationToken).ResponseAsync);
        return response.Containers.FirstOrDefault(c => !FaasD.Runtime.RuntimeLabels.IsManaged(c.Labels))?.Id;
    }

    private async Task ReplaceLabelsAsync(FunctionNamespace ns, CancellationToken cancellationToken)
    {
        // No mask: containerd replaces every label (a "labels" path is refused; only "labels.<key>" paths exist).
        var request = new Api.UpdateNamespaceRequest { Namespace = ToContainerd(ns) };
        await Call(() => client.Namespace(ns.Name).Namespaces.UpdateAsync(request, cancellationToken: cancellationToken).ResponseAsync);
    }

    /// <summary>containerd's Get answers for any name (with empty labels), so existence is read from List.</summary>
    private async Task<Api.Namespace?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var response = await Call(() => client.Global.Namespaces.ListAsync(new Api.ListNamespacesRequest(), cancellationToken: cancellationToken).ResponseAsync);
        return response.Namespaces.FirstOrDefault(n => n.Name == name);
    }

    private static void RequireOpenFaasLabel(FunctionNamespace ns)
    {
        if (!ns.Labels.TryGetValue(OpenFaasLabel, out var value) || value is not ("1" or "true"))
        {
            throw new FunctionPlatformException(FunctionErrorKind.Invalid, "request does not have openfaas=1 label");
        }
    }

    private static Api.Namespace ToContainerd(FunctionNamespace ns)
    {
        var result = new Api.Namespace { Name = ns.Name };
        result.Labels.Add(ns.Labels.ToDictionary());
        foreach (var (key, value) in ns.Annotations)
        {
            result.Labels[AnnotationPrefix + key] = value;
        }

        return result;
    }

    private static FunctionNamespace ToFunctionNamespace(Api.Namespace ns) => new(
        ns.Name,
        ns.Labels.Where(l => !l.Key.StartsWith(AnnotationPrefix, StringComparison.Ordinal)).ToDictionary(),
        ns.Labels.Where(l => l.Key.StartsWith(AnnotationPrefix, StringComparison.Ordinal)).ToDictionary(l => l.Key[AnnotationPrefix.Length..], l => l.Value));

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ContainerdException ex)
        {
            throw Translate(ex);
        }
    }

    private static FunctionPlatformException Translate(ContainerdException ex) => new(
        ex.Kind switch
        {
            ContainerdErrorKind.NotFound => FunctionErrorKind.NotFound,
            ContainerdErrorKind.AlreadyExists => FunctionErrorKind.AlreadyExists,
            ContainerdErrorKind.InvalidArgument => FunctionErrorKind.Invalid,
            ContainerdErrorKind.Unavailable => FunctionErrorKind.Unavailable,
            _ => FunctionErrorKind.Internal,
        },
        $"containerd: {ex.Message}",
        ex);
}
