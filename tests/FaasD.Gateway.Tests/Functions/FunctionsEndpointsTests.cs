using System.Net;
using System.Text.Json;
using FaasD.Functions.Abstractions;
using FaasD.Gateway.Tests.Infrastructure;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Functions;

internal sealed class FunctionsEndpointsTests : GatewayTestBase
{
    // What faas-cli deploy -f stack.yml sends (labels/annotations always present, possibly {}).
    private const string FigletDeployment = """
        {"service":"figlet","image":"ghcr.io/openfaas/figlet:latest","envProcess":"figlet","envVars":{"A":"1"},
         "constraints":[],"secrets":["api-key"],"labels":{"com.openfaas.scale.zero":"true"},"annotations":{},
         "limits":{"memory":"128Mi"},"readOnlyRootFilesystem":true}
        """;

    [Test]
    public async Task Deploy_PutOnMissing404_ThenPost200_LikeFaasCli()
    {
        Gateway.SecretStore.Secrets[("openfaas-fn", "api-key")] = "v"u8.ToArray();

        using var put = await SendJsonAsync(HttpMethod.Put, "/system/functions", FigletDeployment);
        await AssertGoErrorAsync(put, 404, "function: figlet.openfaas-fn not found");

        using var post = await SendJsonAsync(HttpMethod.Post, "/system/functions", FigletDeployment);
        await AssertEmptyAsync(post, 200);

        var spec = Gateway.Platform.Deployed.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Name, Is.EqualTo("figlet"));
            Assert.That(spec.Namespace, Is.EqualTo("openfaas-fn"));
            Assert.That(spec.Image, Is.EqualTo("ghcr.io/openfaas/figlet:latest"));
            Assert.That(spec.EnvProcess, Is.EqualTo("figlet"));
            Assert.That(spec.EnvVars, Is.EquivalentTo(new Dictionary<string, string> { ["A"] = "1" }));
            Assert.That(spec.Secrets, Is.EqualTo(new[] { "api-key" }));
            Assert.That(spec.Labels["com.openfaas.scale.zero"], Is.EqualTo("true"));
            Assert.That(spec.Limits, Is.EqualTo(new FunctionResources("128Mi", null)));
            Assert.That(spec.ReadOnlyRootFilesystem, Is.True);
        }
    }

    [Test]
    public async Task Update_ExistingFunction_Returns200()
    {
        Gateway.Platform.Add("figlet");
        Gateway.SecretStore.Secrets[("openfaas-fn", "api-key")] = "v"u8.ToArray();

        using var put = await SendJsonAsync(HttpMethod.Put, "/system/functions", FigletDeployment);

        await AssertEmptyAsync(put, 200);
        Assert.That(Gateway.Platform.Updated.Single().Image, Is.EqualTo("ghcr.io/openfaas/figlet:latest"));
    }

    [Test]
    public async Task Post_ExistingFunction_Returns400()
    {
        Gateway.Platform.Add("figlet");

        using var post = await SendJsonAsync(HttpMethod.Post, "/system/functions", """{"service":"figlet","image":"img"}""");

        await AssertGoErrorAsync(post, 400, "function figlet already exists");
    }

    [Test]
    public async Task Deploy_GoDecoding_CaseInsensitiveUnknownFieldsAndNullMaps()
    {
        using var post = await SendJsonAsync(
            HttpMethod.Post,
            "/system/functions",
            """{"Service":"ui-fn","IMAGE":"img:1","network":"func_functions","labels":null,"annotations":null,"envVars":null,"secrets":null}""");

        await AssertEmptyAsync(post, 200);
        var spec = Gateway.Platform.Deployed.Single();
        Assert.That((spec.Name, spec.Image, spec.Labels.Count), Is.EqualTo(("ui-fn", "img:1", 0)));
    }

    [TestCase("{\"service\":\"f\",", TestName = "Truncated JSON")]
    [TestCase("", TestName = "Empty body")]
    [TestCase("{\"service\":\"f\",\"image\":\"i\",\"envVars\":{\"A\":1}}", TestName = "Map value not a string")]
    public async Task Deploy_MalformedJson_Returns400(string body)
    {
        using var post = await SendJsonAsync(HttpMethod.Post, "/system/functions", body);

        var text = await post.Content.ReadAsStringAsync();
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        Assert.That(text, Does.StartWith("invalid JSON body"));
    }

    [TestCase("Figlet")]
    [TestCase("fig_let")]
    [TestCase("-figlet")]
    [TestCase("a.b")]
    public async Task Deploy_InvalidName_Returns400WithReason(string name)
    {
        using var post = await SendJsonAsync(HttpMethod.Post, "/system/functions", $$"""{"service":"{{name}}","image":"img"}""");

        var text = await post.Content.ReadAsStringAsync();
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(text, Does.Contain("DNS-1123"));
        Assert.That(Gateway.Platform.Deployed, Is.Empty);
    }

    [Test]
    public async Task Deploy_MissingSecret_Returns400()
    {
        using var post = await SendJsonAsync(HttpMethod.Post, "/system/functions", """{"service":"f","image":"i","secrets":["nope"]}""");

        await AssertGoErrorAsync(post, 400, "unable to find secret: nope");
    }

    [Test]
    public async Task Deploy_NamespaceFromBodyOrQuery_MustBeValid()
    {
        Gateway.NamespaceStore.Add("team-a");
        Gateway.NamespaceStore.Add("unlabelled", openfaasLabel: null);

        using var fromBody = await SendJsonAsync(HttpMethod.Post, "/system/functions", """{"service":"a","image":"i","namespace":"team-a"}""");
        using var fromQuery = await SendJsonAsync(HttpMethod.Post, "/system/functions?namespace=team-a", """{"service":"b","image":"i"}""");
        using var invalid = await SendJsonAsync(HttpMethod.Post, "/system/functions", """{"service":"c","image":"i","namespace":"unlabelled"}""");

        Assert.That(fromBody.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(fromQuery.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await AssertGoErrorAsync(invalid, 400, "namespace not valid");
        Assert.That(Gateway.Platform.Deployed.Select(s => s.Namespace), Is.EqualTo(new[] { "team-a", "team-a" }));
    }

    [Test]
    public async Task Deploy_BodyTooLarge_Returns413()
    {
        var big = new string('x', 100 * 1024);

        using var post = await SendJsonAsync(HttpMethod.Post, "/system/functions", $$"""{"service":"f","image":"i","envProcess":"{{big}}"}""");

        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task Deploy_BodyTooLarge_ChunkedWithoutLength_Returns413()
    {
        var big = new string('x', 100 * 1024);
        using var request = Json(HttpMethod.Post, "/system/functions", $$"""{"service":"f","image":"i","envProcess":"{{big}}"}""");
        request.Headers.TransferEncodingChunked = true;
        request.Content!.Headers.ContentLength = null;

        using var post = await Client.SendAsync(request);

        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task Deploy_PlatformUnavailable_Returns503()
    {
        Gateway.Platform.ThrowOnDeploy = new FunctionPlatformException(FunctionErrorKind.Unavailable, "containerd is down");

        using var post = await SendJsonAsync(HttpMethod.Post, "/system/functions", """{"service":"f","image":"i"}""");

        await AssertGoErrorAsync(post, 503, "containerd is down");
    }

    [Test]
    public async Task List_Empty_IsJsonArray()
    {
        using var response = await Client.GetAsync("/system/functions");

        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("[]"));
    }

    [Test]
    public async Task List_OmitsZeroAndEmptyFields_AlwaysWritesCreatedAt()
    {
        Gateway.Platform.Add("idle", replicas: 0, available: 0);

        using var response = await Client.GetAsync("/system/functions");
        var json = await response.Content.ReadAsStringAsync();

        Assert.That(json, Is.EqualTo(
            """[{"name":"idle","image":"ghcr.io/openfaas/alpine:latest","namespace":"openfaas-fn","createdAt":"2024-05-01T10:00:00Z"}]"""));
    }

    [Test]
    public async Task List_ShowsReplicasAndInvocationCount_NotAvailableReplicas()
    {
        Gateway.Platform.Add("echo");
        using (await Gateway.Anonymous.PostAsync("/function/echo", new StringContent("1")))
        using (await Gateway.Anonymous.PostAsync("/function/echo.openfaas-fn", new StringContent("2")))
        {
        }

        using var response = await Client.GetAsync("/system/functions");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var item = doc.RootElement[0];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(item.GetProperty("replicas").GetUInt64(), Is.EqualTo(1));
            Assert.That(item.GetProperty("invocationCount").GetDouble(), Is.EqualTo(2));
            Assert.That(item.TryGetProperty("availableReplicas", out _), Is.False);
        }
    }

    [Test]
    public async Task List_OtherNamespace_ViaQuery()
    {
        Gateway.NamespaceStore.Add("team-a");
        Gateway.Platform.Add("a", ns: "team-a");
        Gateway.Platform.Add("b");

        using var response = await Client.GetAsync("/system/functions?namespace=team-a");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.That(doc.RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()), Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public async Task List_InvalidNamespace_Returns400()
    {
        using var response = await Client.GetAsync("/system/functions?namespace=nope");

        await AssertGoErrorAsync(response, 400, "namespace not valid");
    }

    [Test]
    public async Task Describe_HasAvailableReplicas()
    {
        Gateway.Platform.Add("echo");

        using var response = await Client.GetAsync("/system/function/echo?usage=1");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(doc.RootElement.GetProperty("name").GetString(), Is.EqualTo("echo"));
            Assert.That(doc.RootElement.GetProperty("availableReplicas").GetUInt64(), Is.EqualTo(1));
            Assert.That(doc.RootElement.GetProperty("replicas").GetUInt64(), Is.EqualTo(1));
            Assert.That(doc.RootElement.GetProperty("createdAt").GetString(), Is.EqualTo("2024-05-01T10:00:00Z"));
        }
    }

    [Test]
    public async Task Describe_Unknown_Returns404WithEmptyBody()
    {
        using var response = await Client.GetAsync("/system/function/nope?usage=1");

        await AssertEmptyAsync(response, 404);
    }

    [Test]
    public async Task Delete_WithJsonBody_Returns200Empty()
    {
        Gateway.Platform.Add("echo");

        using var response = await SendJsonAsync(HttpMethod.Delete, "/system/functions", """{"functionName":"echo"}""");

        await AssertEmptyAsync(response, 200);
        Assert.That(await Gateway.Platform.GetAsync("openfaas-fn", "echo", default), Is.Null);
    }

    [Test]
    public async Task Delete_NamespaceInQuery_LikeTheUi()
    {
        Gateway.NamespaceStore.Add("team-a");
        Gateway.Platform.Add("echo", ns: "team-a");

        using var response = await SendJsonAsync(HttpMethod.Delete, "/system/functions?namespace=team-a", """{"functionName":"echo"}""");

        await AssertEmptyAsync(response, 200);
    }

    [Test]
    public async Task Delete_Unknown_Returns404WithText()
    {
        using var response = await SendJsonAsync(HttpMethod.Delete, "/system/functions", """{"functionName":"nope"}""");

        await AssertGoErrorAsync(response, 404, "function nope.openfaas-fn not found");
    }

    [TestCase(0UL, 0)]
    [TestCase(1UL, 1)]
    [TestCase(3UL, 3)]
    [TestCase(10UL, 10)]
    [TestCase(ulong.MaxValue, int.MaxValue)]
    public async Task Scale_PassesTheCountToThePlatformWhichKeepsItWithinMinAndMax(ulong requested, int expected)
    {
        Gateway.Platform.Add("echo");

        using var response = await SendJsonAsync(HttpMethod.Post, "/system/scale-function/echo", $$"""{"serviceName":"echo","replicas":{{requested}}}""");

        await AssertEmptyAsync(response, 200);
        Assert.That(Gateway.Platform.Scaled.Single(), Is.EqualTo(("openfaas-fn", "echo", expected)));
    }

    [Test]
    public async Task Scale_Unknown_Returns404()
    {
        using var response = await SendJsonAsync(HttpMethod.Post, "/system/scale-function/nope", """{"serviceName":"nope","replicas":1}""");

        await AssertGoErrorAsync(response, 404, "function: nope.openfaas-fn not found");
    }

    [Test]
    public async Task Scale_NotPost_Returns405()
    {
        using var response = await Client.GetAsync("/system/scale-function/echo");

        await AssertGoErrorAsync(response, 405, "Only POST is allowed");
    }

    [Test]
    public async Task Scale_NegativeReplicas_Returns400()
    {
        Gateway.Platform.Add("echo");

        using var response = await SendJsonAsync(HttpMethod.Post, "/system/scale-function/echo", """{"serviceName":"echo","replicas":-1}""");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task UnregisteredMethod_Returns405()
    {
        using var response = await Client.PatchAsync("/system/functions", new StringContent("{}"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }
}
