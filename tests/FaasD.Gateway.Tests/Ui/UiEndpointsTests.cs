using System.Net;
using System.Text.Json;
using FaasD.Functions.Abstractions;
using FaasD.Gateway.Tests.Infrastructure;
using FaasD.Gateway.Ui;
using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Ui;

internal sealed class UiEndpointsTests : GatewayTestBase
{
    [TestCase("/ui/", "text/html")]
    [TestCase("/ui/app.js", "text/javascript")]
    [TestCase("/ui/app.css", "text/css")]
    public async Task Assets_are_served_from_the_binary_behind_basic_auth(string path, string mediaType)
    {
        using var anonymous = await Gateway.Anonymous.GetAsync(path);
        using var response = await Client.GetAsync(path);

        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(anonymous.Headers.WwwAuthenticate.ToString(), Does.StartWith("Basic"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(mediaType));
        Assert.That(response.Headers.ETag, Is.Not.Null);
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("default-src 'self'"));
    }

    [Test]
    public async Task An_unchanged_asset_revalidates_with_304_and_unknown_files_are_404()
    {
        using var first = await Client.GetAsync("/ui/app.js");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/ui/app.js");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var revalidated = await Client.SendAsync(again);
        using var missing = await Client.GetAsync("/ui/nope.js");

        Assert.That(revalidated.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public void The_page_is_small_and_needs_nothing_from_other_hosts()
    {
        var assets = new UiAssets();
        var all = assets.All.ToDictionary(a => a.FileName, a => System.Text.Encoding.UTF8.GetString(a.Content));

        TestContext.Out.WriteLine($"portal page weight: {assets.TotalBytes} bytes ({string.Join(", ", assets.All.Select(a => $"{a.FileName} {a.Content.Length}"))})");
        Assert.That(all.Keys, Is.EquivalentTo(new[] { "index.html", "app.js", "app.css" }));
        Assert.That(assets.TotalBytes, Is.LessThan(64 * 1024), "the portal should stay small");
        // Nothing loaded from elsewhere: no absolute or protocol-relative src, href, url() or fetch.
        var external = new System.Text.RegularExpressions.Regex(@"(src|href)\s*=\s*[""']?(https?:)?//|url\(\s*[""']?(https?:)?//|fetch\(\s*[""'`]https?:");
        Assert.That(all.Where(a => external.IsMatch(a.Value)).Select(a => a.Key), Is.Empty);
    }

    [Test]
    public async Task The_portal_list_has_state_latency_and_usage_in_one_call()
    {
        var name = "ui" + TestEnvironment.UniqueSuffix()[..6];
        Gateway.Platform.Add(new FunctionInfo
        {
            Spec = new FunctionSpec { Name = name, Namespace = "openfaas-fn", Image = "ghcr.io/example/fn:1" },
            Replicas = 1,
            AvailableReplicas = 1,
            State = FunctionState.Running,
            CreatedAt = DateTimeOffset.UnixEpoch,
        });
        Gateway.Usage.Values[$"{name}.openfaas-fn"] = new FunctionUsage(1, 30, 2_097_152);
        using (await Gateway.Anonymous.GetAsync($"/function/{name}"))
        using (await Gateway.Anonymous.GetAsync($"/function/{name}/status/503"))
        {
        }

        using var unauthorized = await Gateway.Anonymous.GetAsync("/ui/api/functions");
        using var list = JsonDocument.Parse(await Client.GetStringAsync("/ui/api/functions"));
        using var activity = JsonDocument.Parse(await Client.GetStringAsync($"/ui/api/functions/{name}/activity"));
        using var badName = await Client.GetAsync("/ui/api/functions/Bad_Name/activity");
        using var badNamespace = await Client.GetAsync("/ui/api/functions?namespace=nope");

        var row = list.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(unauthorized.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(row.GetProperty("state").GetString(), Is.EqualTo("running"));
            Assert.That(row.GetProperty("invocations").GetInt64(), Is.EqualTo(2));
            Assert.That(row.GetProperty("p50Ms").GetDouble(), Is.GreaterThan(0));
            Assert.That(row.GetProperty("memoryBytes").GetInt64(), Is.EqualTo(2_097_152));
            Assert.That(row.GetProperty("cpuMillicores").GetDouble(), Is.EqualTo(30));
            Assert.That(activity.RootElement.GetProperty("slotSeconds").GetDouble(), Is.EqualTo(10));
            var slots = activity.RootElement.GetProperty("slots").EnumerateArray().ToList();
            Assert.That(slots, Has.Count.EqualTo(60));
            Assert.That(slots.Sum(s => s.GetProperty("calls").GetInt64()), Is.EqualTo(2));
            Assert.That(slots.Sum(s => s.GetProperty("errors").GetInt64()), Is.EqualTo(1));
            Assert.That(badName.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(badNamespace.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }
    }
}
