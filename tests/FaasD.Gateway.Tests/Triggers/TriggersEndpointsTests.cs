using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FaasD.Functions.Abstractions;
using FaasD.Gateway.Tests.Fakes;
using FaasD.Invocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Triggers;

/// <summary><c>GET /system/triggers</c>: mapped only with a trigger catalog, behind basic auth, camelCase JSON.</summary>
public class TriggersEndpointsTests
{
    private static async Task<(WebApplication App, Uri BaseAddress)> StartAsync(ITriggerCatalog? catalog)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<IFunctionPlatform>(new FakeFunctionPlatform());
        builder.Services.AddSingleton<ISecretStore>(new FakeSecretStore());
        builder.Services.AddSingleton<INamespaceStore>(new FakeNamespaceStore());
        builder.Services.AddSingleton<ILogSource>(new FakeLogSource());
        if (catalog is not null)
        {
            builder.Services.AddSingleton(catalog);
        }

        builder.Services.AddFaasGateway(o =>
        {
            o.BasicAuthUser = "admin";
            o.BasicAuthPassword = "pw";
        });
        var app = builder.Build();
        app.MapFaasGateway();
        await app.StartAsync();
        return (app, new Uri(app.Urls.First()));
    }

    private static HttpClient Client(Uri baseAddress, bool authenticated)
    {
        var client = new HttpClient { BaseAddress = baseAddress };
        if (authenticated)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:pw")));
        }

        return client;
    }

    [Test]
    public async Task Lists_the_catalog_as_camel_case_json_for_authenticated_callers()
    {
        var next = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var (app, baseAddress) = await StartAsync(new FixedCatalog(
        [
            new TriggerDescription { Namespace = "openfaas-fn", Function = "nightly", Kind = "cron", Source = "0 0 1 1 *", NextRun = next },
            new TriggerDescription { Namespace = "openfaas-fn", Function = "orders", Kind = "nats", Source = "orders.*", QueueGroup = "faasd.openfaas-fn.orders", Connected = true },
        ]));
        await using var host = app;
        using var client = Client(baseAddress, authenticated: true);

        using var response = await client.GetAsync("/system/triggers");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var items = json.RootElement.EnumerateArray().ToList();
        Assert.That(items, Has.Count.EqualTo(2));
        Assert.That(items[0].GetProperty("function").GetString(), Is.EqualTo("nightly"));
        Assert.That(items[0].GetProperty("nextRun").GetDateTimeOffset(), Is.EqualTo(next));
        Assert.That(items[0].TryGetProperty("queueGroup", out _), Is.False, "nulls are left out");
        Assert.That(items[1].GetProperty("queueGroup").GetString(), Is.EqualTo("faasd.openfaas-fn.orders"));
        Assert.That(items[1].GetProperty("connected").GetBoolean(), Is.True);
    }

    [Test]
    public async Task Needs_basic_auth()
    {
        var (app, baseAddress) = await StartAsync(new FixedCatalog([]));
        await using var host = app;
        using var client = Client(baseAddress, authenticated: false);
        using var response = await client.GetAsync("/system/triggers");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Is_not_mapped_without_a_catalog()
    {
        var (app, baseAddress) = await StartAsync(null);
        await using var host = app;
        using var client = Client(baseAddress, authenticated: true);
        using var response = await client.GetAsync("/system/triggers");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private sealed class FixedCatalog(IReadOnlyList<TriggerDescription> items) : ITriggerCatalog
    {
        public IReadOnlyList<TriggerDescription> List() => items;
    }
}
