using System.Net;
using System.Text;
using FaasD.Gateway.Tests.Infrastructure;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Secrets;

internal sealed class SecretsEndpointsTests : GatewayTestBase
{
    [Test]
    public async Task Create_WritesValue_Returns200Empty()
    {
        using var response = await SendJsonAsync(HttpMethod.Post, "/system/secrets", """{"name":"api-key","value":"hunter2"}""");

        await AssertEmptyAsync(response, 200);
        Assert.That(Encoding.UTF8.GetString(Gateway.SecretStore.Secrets[("openfaas-fn", "api-key")]), Is.EqualTo("hunter2"));
    }

    [Test]
    public async Task Create_RawValueWinsOverValue()
    {
        // faas-cli secret create --from-file sends both.
        var raw = Convert.ToBase64String(new byte[] { 0, 1, 2, 255 });

        using var response = await SendJsonAsync(HttpMethod.Post, "/system/secrets", $$"""{"name":"bin","value":"ignored","rawValue":"{{raw}}"}""");

        await AssertEmptyAsync(response, 200);
        Assert.That(Gateway.SecretStore.Secrets[("openfaas-fn", "bin")], Is.EqualTo(new byte[] { 0, 1, 2, 255 }));
    }

    [Test]
    public async Task CreateExisting_Overwrites_AndUpdateMissing_Creates()
    {
        Gateway.SecretStore.Secrets[("openfaas-fn", "a")] = "old"u8.ToArray();

        using var create = await SendJsonAsync(HttpMethod.Post, "/system/secrets", """{"name":"a","value":"new"}""");
        using var update = await SendJsonAsync(HttpMethod.Put, "/system/secrets", """{"name":"b","value":"fresh"}""");

        await AssertEmptyAsync(create, 200);
        await AssertEmptyAsync(update, 200);
        Assert.That(Encoding.UTF8.GetString(Gateway.SecretStore.Secrets[("openfaas-fn", "a")]), Is.EqualTo("new"));
        Assert.That(Encoding.UTF8.GetString(Gateway.SecretStore.Secrets[("openfaas-fn", "b")]), Is.EqualTo("fresh"));
    }

    [Test]
    public async Task List_ReturnsNamesAndNamespace_NeverValues()
    {
        Gateway.SecretStore.Secrets[("openfaas-fn", "a")] = "x"u8.ToArray();
        Gateway.SecretStore.Secrets[("openfaas-fn", "b")] = "y"u8.ToArray();

        using var response = await Client.GetAsync("/system/secrets");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(
            await response.Content.ReadAsStringAsync(),
            Is.EqualTo("""[{"name":"a","namespace":"openfaas-fn"},{"name":"b","namespace":"openfaas-fn"}]"""));
    }

    [Test]
    public async Task List_OtherNamespace()
    {
        Gateway.NamespaceStore.Add("team-a");
        Gateway.SecretStore.Secrets[("team-a", "t")] = "x"u8.ToArray();

        using var response = await Client.GetAsync("/system/secrets?namespace=team-a");

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("""[{"name":"t","namespace":"team-a"}]"""));
    }

    [TestCase("../etc/passwd", "directory traversal found in name")]
    [TestCase("a/b", "directory traversal found in name")]
    [TestCase("..", "directory traversal found in name")]
    [TestCase("", "non-empty name is required")]
    [TestCase("  ", "non-empty name is required")]
    public async Task Create_BadName_Returns400(string name, string message)
    {
        using var response = await SendJsonAsync(HttpMethod.Post, "/system/secrets", $$"""{"name":"{{name}}","value":"x"}""");

        await AssertGoErrorAsync(response, 400, message);
        Assert.That(Gateway.SecretStore.Secrets, Is.Empty);
    }

    [Test]
    public async Task Delete_BodyNameAndNamespace_LikeFaasCli_Returns200()
    {
        Gateway.NamespaceStore.Add("team-a");
        Gateway.SecretStore.Secrets[("team-a", "a")] = "x"u8.ToArray();

        using var response = await SendJsonAsync(HttpMethod.Delete, "/system/secrets", """{"name":"a","namespace":"team-a"}""");

        await AssertEmptyAsync(response, 200);
        Assert.That(Gateway.SecretStore.Secrets, Is.Empty);
    }

    [Test]
    public async Task Delete_NamespaceInQuery_LikeFaasd()
    {
        Gateway.NamespaceStore.Add("team-a");
        Gateway.SecretStore.Secrets[("team-a", "a")] = "x"u8.ToArray();

        using var response = await SendJsonAsync(HttpMethod.Delete, "/system/secrets?namespace=team-a", """{"name":"a"}""");

        await AssertEmptyAsync(response, 200);
    }

    [Test]
    public async Task Delete_Missing_Returns404_WhereFaasdAnswers500()
    {
        using var response = await SendJsonAsync(HttpMethod.Delete, "/system/secrets", """{"name":"nope"}""");

        await AssertGoErrorAsync(response, 404, "secret nope.openfaas-fn not found");
    }

    [TestCase("POST", "{name:")]
    [TestCase("PUT", "{name:")]
    [TestCase("DELETE", "{name:")]
    [TestCase("POST", "[1,2]")]
    [TestCase("PUT", "{\"name\":42}")]
    [TestCase("POST", "{\"name\":\"a\",\"rawValue\":\"not base64!\"}")]
    [TestCase("DELETE", "null")]
    public async Task MalformedJson_Returns400_WhereFaasdAnswers500(string method, string json)
    {
        using var response = await SendJsonAsync(new HttpMethod(method), "/system/secrets", json);

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(body, Does.EndWith("\n"));
        Assert.That(body.TrimEnd('\n'), Is.Not.Empty.And.Not.Contain('\n'), "one line with the reason");
        Assert.That(Gateway.SecretStore.Secrets, Is.Empty);
    }

    [Test]
    public async Task Create_InvalidNamespace_Returns400()
    {
        using var response = await SendJsonAsync(HttpMethod.Post, "/system/secrets", """{"name":"a","value":"x","namespace":"nope"}""");

        await AssertGoErrorAsync(response, 400, "namespace not valid");
    }
}
