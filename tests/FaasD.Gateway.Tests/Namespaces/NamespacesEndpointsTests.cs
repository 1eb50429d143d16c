using System.Net;
using FaasD.Gateway.Tests.Infrastructure;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Namespaces;

internal sealed class NamespacesEndpointsTests : GatewayTestBase
{
    // The go-sdk adds labels.openfaas="1" and annotations.openfaas="1" to every namespace request.
    private static string Body(string name, string label = "1") =>
        $$$"""{"name":"{{{name}}}","labels":{"openfaas":"{{{label}}}"},"annotations":{"openfaas":"1"}}""";

    [Test]
    public async Task List_DefaultFirst_ThenLabelled()
    {
        Gateway.NamespaceStore.Add("team-a");
        Gateway.NamespaceStore.Add("other", openfaasLabel: null);

        using var response = await Client.GetAsync("/system/namespaces");

        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("""["openfaas-fn","team-a"]"""));
    }

    [Test]
    public async Task Create_Returns201_ThenExisting409()
    {
        using var created = await SendJsonAsync(HttpMethod.Post, "/system/namespace/", Body("team-b"));
        using var again = await SendJsonAsync(HttpMethod.Post, "/system/namespace/", Body("team-b"));

        await AssertEmptyAsync(created, 201);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(Gateway.NamespaceStore.Namespaces["team-b"].Annotations["openfaas"], Is.EqualTo("1"));
    }

    [TestCase("0")]
    [TestCase("true")]
    public async Task Create_WithoutOpenfaasEqualsOneLabel_Returns400(string label)
    {
        using var response = await SendJsonAsync(HttpMethod.Post, "/system/namespace/", Body("team-b", label));

        await AssertGoErrorAsync(response, 400, "request does not have openfaas=1 label");
    }

    [Test]
    public async Task Create_InvalidName_Returns400()
    {
        using var response = await SendJsonAsync(HttpMethod.Post, "/system/namespace/", Body("Team_B"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Get_ReturnsNameAndLabels()
    {
        Gateway.NamespaceStore.Add("team-a");

        using var response = await Client.GetAsync("/system/namespace/team-a");

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("""{"name":"team-a","labels":{"openfaas":"1"}}"""));
    }

    [TestCase("missing")]
    [TestCase("unlabelled")]
    public async Task Get_MissingOrUnlabelled_Returns404(string name)
    {
        Gateway.NamespaceStore.Add("unlabelled", openfaasLabel: null);

        using var response = await Client.GetAsync($"/system/namespace/{name}");

        await AssertGoErrorAsync(response, 404, $"namespace {name} not found");
    }

    [Test]
    public async Task Update_Returns202_AndReplacesLabels()
    {
        Gateway.NamespaceStore.Add("team-a");

        using var response = await SendJsonAsync(
            HttpMethod.Put, "/system/namespace/team-a", """{"name":"team-a","labels":{"openfaas":"1","tier":"gold"}}""");

        await AssertEmptyAsync(response, 202);
        Assert.That(Gateway.NamespaceStore.Namespaces["team-a"].Labels["tier"], Is.EqualTo("gold"));
    }

    [Test]
    public async Task Update_NameMismatch_Returns400()
    {
        Gateway.NamespaceStore.Add("team-a");

        using var response = await SendJsonAsync(HttpMethod.Put, "/system/namespace/team-a", Body("team-b"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Update_Missing_Returns404()
    {
        using var response = await SendJsonAsync(HttpMethod.Put, "/system/namespace/team-z", Body("team-z"));

        await AssertGoErrorAsync(response, 404, "namespace team-z not found");
    }

    [Test]
    public async Task Delete_Returns202_ThenMissing404()
    {
        Gateway.NamespaceStore.Add("team-a");

        using var deleted = await SendJsonAsync(HttpMethod.Delete, "/system/namespace/team-a", Body("team-a"));
        using var again = await SendJsonAsync(HttpMethod.Delete, "/system/namespace/team-a", Body("team-a"));

        await AssertEmptyAsync(deleted, 202);
        await AssertGoErrorAsync(again, 404, "namespace team-a not found");
    }

    [Test]
    public async Task Delete_WithoutLabel_Returns400()
    {
        Gateway.NamespaceStore.Add("team-a");

        using var response = await SendJsonAsync(HttpMethod.Delete, "/system/namespace/team-a", """{"name":"team-a"}""");

        await AssertGoErrorAsync(response, 400, "request does not have openfaas=1 label");
        Assert.That(Gateway.NamespaceStore.Namespaces.ContainsKey("team-a"), Is.True);
    }
}
