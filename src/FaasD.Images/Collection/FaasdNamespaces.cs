using NamespacesApi = FaasD.Containerd.Api.Namespaces;

namespace FaasD.Images.Collection;

/// <summary>
/// The containerd namespaces whose images FaasD manages: the function namespaces (openfaas-fn and every one
/// labelled <c>openfaas</c>) and the compose services' <c>openfaas</c>. Images in any other namespace are not ours.
/// </summary>
internal static class FaasdNamespaces
{
    public const string Functions = "openfaas-fn";
    public const string Compose = "openfaas";

    public static async Task<IReadOnlyList<string>> ListAsync(ContainerdClient client, CancellationToken cancellationToken)
    {
        var response = await client.Global.Namespaces.ListAsync(new NamespacesApi.ListNamespacesRequest(), cancellationToken: cancellationToken);
        return [.. response.Namespaces
            .Where(n => n.Name is Functions or Compose || (n.Name != "default" && n.Labels.TryGetValue("openfaas", out var v) && v is "1" or "true"))
            .Select(n => n.Name)
            .Order(StringComparer.Ordinal)];
    }
}
