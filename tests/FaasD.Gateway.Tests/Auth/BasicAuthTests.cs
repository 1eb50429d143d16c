using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FaasD.Gateway.Tests.Infrastructure;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Auth;

internal sealed class BasicAuthTests : GatewayTestBase
{
    [Test]
    public async Task Login_GetFunctionsWithBasicCredentials_Returns200()
    {
        using var response = await Client.GetAsync("/system/functions");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase(null, TestName = "No Authorization header")]
    [TestCase("Bearer ", TestName = "faas-cli not logged in: empty Bearer")]
    [TestCase("Bearer some-token", TestName = "Bearer token")]
    [TestCase("Basic YWRtaW46d3Jvbmc=", TestName = "Wrong password")]
    [TestCase("Basic b3RoZXI6czNjcjN0LXBhNTU=", TestName = "Wrong user")]
    [TestCase("Basic !!!notbase64", TestName = "Malformed base64")]
    [TestCase("Basic YWRtaW4=", TestName = "No colon")]
    public async Task Unauthorized_HasExactShape(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/system/functions");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await Gateway.Anonymous.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Basic realm=\"Restricted\""));
            Assert.That(body, Is.EqualTo("invalid credentials"));
        }
    }

    [Test]
    public async Task SchemeIsCaseInsensitive()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/system/functions");
        request.Headers.TryAddWithoutValidation(
            "Authorization", "basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{GatewayHost.User}:{GatewayHost.Password}")));

        using var response = await Gateway.Anonymous.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("GET", "/system/functions")]
    [TestCase("POST", "/system/functions")]
    [TestCase("PUT", "/system/functions")]
    [TestCase("DELETE", "/system/functions")]
    [TestCase("GET", "/system/function/echo")]
    [TestCase("POST", "/system/scale-function/echo")]
    [TestCase("GET", "/system/info")]
    [TestCase("GET", "/system/secrets")]
    [TestCase("POST", "/system/secrets")]
    [TestCase("PUT", "/system/secrets")]
    [TestCase("DELETE", "/system/secrets")]
    [TestCase("GET", "/system/logs?name=echo")]
    [TestCase("GET", "/system/namespaces")]
    [TestCase("GET", "/system/namespace/openfaas-fn")]
    [TestCase("POST", "/system/namespace/")]
    [TestCase("PUT", "/system/namespace/x")]
    [TestCase("DELETE", "/system/namespace/x")]
    [TestCase("GET", "/ui/")]
    public async Task EverySystemRoute_RequiresAuth(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer ");

        using var response = await Gateway.Anonymous.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Healthz_NeedsNoAuth_AndAnswersEmpty200()
    {
        using var response = await Gateway.Anonymous.GetAsync("/healthz");

        await AssertEmptyAsync(response, 200);
    }

    [Test]
    public async Task FunctionRoutes_NeedNoAuth()
    {
        Gateway.Platform.Add("echo");

        using var response = await Gateway.Anonymous.PostAsync("/function/echo", new StringContent("hi"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task NoConfiguredCredentials_RefusesEverything()
    {
        await using var gateway = await GatewayHost.StartAsync(o =>
        {
            o.BasicAuthUser = "";
            o.BasicAuthPassword = "";
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/system/functions");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(":")));

        using var response = await gateway.Anonymous.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
