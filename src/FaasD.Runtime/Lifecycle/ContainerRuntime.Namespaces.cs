namespace FaasD.Runtime.Lifecycle;

/// <summary>
/// containerd namespaces and their labels, the one place they are created, labelled and deleted (functions and
/// compose both go through here). Changes go through the namespace's own scope: containerd publishes a namespace
/// event on create and update, and events need a namespace (from the global scope it makes the change and then
/// reports an error).
/// </summary>
internal sealed partial class ContainerRuntime
{
    public Task<string> GetVersionAsync(CancellationToken cancellationToken) =>
        RuntimeErrors.TranslateAsync(async () =>
            (await _containerd.Global.Version.VersionAsync(new(), cancellationToken: cancellationToken)).Version);

    /// <summary>containerd's Get answers for any name (with empty labels), so what exists is read from List.</summary>
    public Task<IReadOnlyList<NamespaceRecord>> ListNamespacesAsync(CancellationToken cancellationToken) =>
        RuntimeErrors.TranslateAsync<IReadOnlyList<NamespaceRecord>>(async () =>
        {
            var response = await _containerd.Global.Namespaces.ListAsync(new NamespacesApi.ListNamespacesRequest(), cancellationToken: cancellationToken);
            return response.Namespaces.Select(n => new NamespaceRecord(n.Name, n.Labels.ToDictionary())).ToList();
        });

    public Task EnsureNamespaceAsync(string @namespace, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return RuntimeErrors.TranslateAsync(async () =>
        {
            ContainerNames.ValidateNamespace(@namespace);
            var namespaces = ScopeOf(@namespace).Namespaces;
            var wanted = new NamespacesApi.Namespace { Name = @namespace, Labels = { labels.ToDictionary() } };
            try
            {
                await namespaces.CreateAsync(new NamespacesApi.CreateNamespaceRequest { Namespace = wanted }, cancellationToken: cancellationToken);
                Log.NamespaceCreated(_logger, @namespace);
                return;
            }
            catch (ContainerdException exception) when (exception.IsAlreadyExists())
            {
                // Fall through: make sure the labels we need are there, leaving others alone.
            }

            var current = (await namespaces.GetAsync(new NamespacesApi.GetNamespaceRequest { Name = @namespace }, cancellationToken: cancellationToken)).Namespace;
            var stale = labels.Where(label => !current.Labels.TryGetValue(label.Key, out var value) || value != label.Value).ToList();
            if (stale.Count == 0)
            {
                return;
            }

            var update = new NamespacesApi.UpdateNamespaceRequest { Namespace = wanted, UpdateMask = new() };
            update.UpdateMask.Paths.Add(stale.Select(label => "labels." + label.Key));
            await namespaces.UpdateAsync(update, cancellationToken: cancellationToken);
        });
    }

    public Task ReplaceNamespaceLabelsAsync(string @namespace, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return RuntimeErrors.TranslateAsync(async () =>
        {
            ContainerNames.ValidateNamespace(@namespace);
            // No update mask means "replace every label" to containerd; a "labels" path is refused (only "labels.<key>").
            var request = new NamespacesApi.UpdateNamespaceRequest
            {
                Namespace = new NamespacesApi.Namespace { Name = @namespace, Labels = { labels.ToDictionary() } },
            };
            await ScopeOf(@namespace).Namespaces.UpdateAsync(request, cancellationToken: cancellationToken);
        });
    }

    public Task DeleteNamespaceAsync(string @namespace, CancellationToken cancellationToken) =>
        RuntimeErrors.TranslateAsync(async () =>
        {
            ContainerNames.ValidateNamespace(@namespace);
            try
            {
                await ScopeOf(@namespace).Namespaces.DeleteAsync(new NamespacesApi.DeleteNamespaceRequest { Name = @namespace }, cancellationToken: cancellationToken);
                Log.NamespaceDeleted(_logger, @namespace);
            }
            catch (ContainerdException exception) when (exception.IsNotFound())
            {
            }
        });
}
