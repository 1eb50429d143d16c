using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>OpenFaaS namespaces through the daemon down to containerd: create, relabel, read back, delete.</summary>
[Integration]
[NonParallelizable]
internal sealed class NamespacesTests : DaemonFixture
{
    [Test]
    public async Task A_namespace_is_created_relabelled_read_back_and_deleted()
    {
        var ns = Name("ns");
        try
        {
            using var created = await Api.PostAsJsonAsync(
                "/system/namespace/", new { name = ns, labels = new Dictionary<string, string> { ["openfaas"] = "1" } });
            using var updated = await Api.PutAsJsonAsync(
                $"/system/namespace/{ns}", new { name = ns, labels = new Dictionary<string, string> { ["openfaas"] = "1", ["team"] = "blue" } });
            var read = await Api.GetFromJsonAsync<JsonObject>($"/system/namespace/{ns}");
            var listed = await Api.GetFromJsonAsync<List<string>>("/system/namespaces");
            using var deleted = await DeleteNamespaceAsync(ns);
            var deleteBody = await deleted.Content.ReadAsStringAsync();
            using var gone = await Api.GetAsync($"/system/namespace/{ns}");

            Assert.Multiple(() =>
            {
                Assert.That(created.IsSuccessStatusCode, Is.True, $"create: {created.StatusCode}");
                Assert.That(updated.IsSuccessStatusCode, Is.True, $"update: {updated.StatusCode}");
                Assert.That(read!["labels"]!["team"]!.GetValue<string>(), Is.EqualTo("blue"));
                Assert.That(listed, Does.Contain(ns));
                Assert.That(deleted.IsSuccessStatusCode, Is.True, $"delete: {deleted.StatusCode} {deleteBody}");
                Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            });
        }
        finally
        {
            using var _ = await DeleteNamespaceAsync(ns);
        }
    }

    /// <summary>As faas-cli sends it: the name again in a JSON body.</summary>
    private Task<HttpResponseMessage> DeleteNamespaceAsync(string ns) =>
        Api.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/system/namespace/{ns}") { Content = JsonContent.Create(new { name = ns, labels = new Dictionary<string, string> { ["openfaas"] = "1" } }) });
}
