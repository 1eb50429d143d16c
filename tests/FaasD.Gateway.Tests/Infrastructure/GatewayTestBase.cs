using System.Net.Http.Headers;
using System.Text;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Infrastructure;

/// <summary>One gateway and one echo upstream per fixture; fakes reset before every test.</summary>
internal abstract class GatewayTestBase
{
    protected GatewayHost Gateway { get; private set; } = null!;

    protected EchoUpstream Upstream { get; private set; } = null!;

    protected HttpClient Client => Gateway.Client;

    [OneTimeSetUp]
    public async Task StartHostsAsync()
    {
        Upstream = await EchoUpstream.StartAsync();
        Gateway = await GatewayHost.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopHostsAsync()
    {
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
    }

    [SetUp]
    public void ResetFakes()
    {
        Gateway.Reset();
        Upstream.Reset();
        Gateway.Platform.DestinationPrefix = Upstream.DestinationPrefix;
    }

    /// <summary>A request with a JSON body as faas-cli sends it (Content-Type application/json).</summary>
    protected static HttpRequestMessage Json(HttpMethod method, string path, string json) =>
        new(method, path) { Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };

    protected Task<HttpResponseMessage> SendJsonAsync(HttpMethod method, string path, string json) =>
        Client.SendAsync(Json(method, path, json));

    /// <summary>Asserts a Go <c>http.Error</c> shape: status, text/plain, nosniff, message + newline.</summary>
    protected static async Task AssertGoErrorAsync(HttpResponseMessage response, int status, string message)
    {
        var body = await response.Content.ReadAsStringAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(status), body);
            Assert.That(body, Is.EqualTo(message + "\n"));
            Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/plain; charset=utf-8"));
            Assert.That(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) ? nosniff.Single() : null, Is.EqualTo("nosniff"));
        }
    }

    protected static async Task AssertEmptyAsync(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(status), body);
            Assert.That(body, Is.Empty);
        }
    }
}
