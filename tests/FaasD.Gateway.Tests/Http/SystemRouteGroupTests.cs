using System.Net;
using FaasD.Functions.Abstractions;
using FaasD.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Http;

/// <summary>The <c>/system</c> and <c>/ui</c> route groups: auth on every route, platform errors as OpenFaaS answers.</summary>
internal sealed class SystemRouteGroupTests : GatewayTestBase
{
    private static readonly string[] AuthenticatedRoutes =
    [
        "GET /system/functions", "POST /system/functions", "PUT /system/functions", "DELETE /system/functions",
        "GET /system/function/a", "POST /system/scale-function/a", "GET /system/secrets", "POST /system/secrets",
        "PUT /system/secrets", "DELETE /system/secrets", "GET /system/namespaces", "GET /system/namespace/a",
        "POST /system/namespace/a", "PUT /system/namespace/a", "DELETE /system/namespace/a", "GET /system/logs?name=a",
        "GET /system/info", "GET /ui/", "GET /ui/index.html",
    ];

    [TestCaseSource(nameof(AuthenticatedRoutes))]
    public async Task EveryRouteOfTheGroups_RefusesAnonymousCallers(string route)
    {
        var parts = route.Split(' ');
        using var request = new HttpRequestMessage(new HttpMethod(parts[0]), parts[1]) { Content = new StringContent("{}") };

        using var response = await Gateway.Anonymous.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Basic realm=\"Restricted\""));
        Assert.That(Gateway.Platform.Deployed, Is.Empty);
    }

    [TestCase("admin", "wrong")]
    [TestCase("admin2", GatewayHost.Password)]
    [TestCase("admi", GatewayHost.Password)]
    [TestCase("", GatewayHost.Password)]
    public async Task WrongUserOrPassword_Is401(string user, string password)
    {
        using var client = Gateway.CreateClient(authenticated: false);
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));

        using var response = await client.GetAsync("/system/functions");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task EveryEndpointMappedUnderSystemOrUi_RefusesAnonymousCallers()
    {
        // Not a fixed list: every endpoint the gateway maps (including ones added later) is called without
        // credentials, so a route mapped outside the group cannot escape the auth filter unnoticed.
        var endpoints = Gateway.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } p && (p.StartsWith("/system", StringComparison.Ordinal) || p.StartsWith("/ui", StringComparison.Ordinal)))
            .ToList();
        Assert.That(endpoints, Has.Count.GreaterThanOrEqualTo(AuthenticatedRoutes.Length - 4), "the gateway's /system and /ui endpoints were found");

        foreach (var endpoint in endpoints)
        {
            var path = System.Text.RegularExpressions.Regex.Replace(endpoint.RoutePattern.RawText!, "{[^}]*}", "a");
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"];
            foreach (var method in methods)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") };
                using var response = await Gateway.Anonymous.SendAsync(request);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"{method} {path}");
            }
        }
    }

    [TestCase(FunctionErrorKind.Invalid, 400)]
    [TestCase(FunctionErrorKind.AlreadyExists, 400)]
    [TestCase(FunctionErrorKind.Unavailable, 503)]
    [TestCase(FunctionErrorKind.Timeout, 504)]
    [TestCase(FunctionErrorKind.Internal, 500)]
    public async Task PlatformError_BecomesTheOpenFaaSAnswer(FunctionErrorKind kind, int status)
    {
        Gateway.Platform.ThrowOnDeploy = new FunctionPlatformException(kind, "the reason\nwith two lines");

        using var response = await SendJsonAsync(HttpMethod.Post, "/system/functions", """{"service":"a","image":"x"}""");

        await AssertGoErrorAsync(response, status, "the reason with two lines");
    }
}
