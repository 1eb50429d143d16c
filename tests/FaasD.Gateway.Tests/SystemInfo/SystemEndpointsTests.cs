using System.Net;
using FaasD.Gateway.Tests.Infrastructure;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.SystemInfo;

internal sealed class SystemEndpointsTests : GatewayTestBase
{
    [Test]
    public async Task Info_HasGatewayInfoShape()
    {
        using var response = await Client.GetAsync("/system/info");

        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        var arch = GatewayOptions.GoArch(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture);
        var expected =
            $$"""{"provider":{"provider":"faasd","version":{"sha":"abc123","release":"0.1.0-test"},"orchestration":"containerd"},"version":{"commit_message":"See GitHub for latest changes","sha":"abc123","release":"0.1.0-test"},"arch":"{{arch}}"}""";
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(expected));
    }

    [Test]
    public async Task Root_Redirects307ToUi()
    {
        using var response = await Gateway.Anonymous.GetAsync("/");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo("/ui/"));
    }

    [Test]
    public async Task Ui_ServesThePortalPage()
    {
        using var response = await Client.GetAsync("/ui/");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("<script src=\"app.js\" defer></script>"));
    }
}
