using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaasD.Functions.Abstractions;
using FaasD.Gateway.Tests.Infrastructure;
using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Metrics;

/// <summary>
/// The metrics listener after known traffic. Metrics live in one process-wide registry, so every test uses
/// function names of its own and asserts exact values for them.
/// </summary>
internal sealed class MetricsEndpointsTests : GatewayTestBase
{
    private HttpClient _metrics = null!;

    [OneTimeSetUp]
    public void CreateMetricsClient() => _metrics = new HttpClient { BaseAddress = Gateway.MetricsAddress };

    [OneTimeTearDown]
    public void DisposeMetricsClient() => _metrics.Dispose();

    [Test]
    public async Task Invocations_are_counted_by_function_and_code_with_a_consistent_histogram()
    {
        var name = Unique("calls");
        Gateway.Platform.Add(name);
        for (var i = 0; i < 3; i++)
        {
            using var ok = await Gateway.Anonymous.GetAsync($"/function/{name}");
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        for (var i = 0; i < 2; i++)
        {
            using var missing = await Gateway.Anonymous.GetAsync($"/function/{name}/status/404");
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }

        var metrics = await ScrapeAsync();
        var fn = $"function_name={name}.openfaas-fn";
        using (Assert.EnterMultipleScope())
        {
            Assert.That(metrics.HasType("gateway_function_invocation_total", "counter"), Is.True);
            Assert.That(metrics.HasType("gateway_functions_seconds", "histogram"), Is.True);
            Assert.That(metrics.Value("gateway_function_invocation_started", fn), Is.EqualTo(5));
            Assert.That(metrics.Value("gateway_function_invocation_total", fn, "code=200"), Is.EqualTo(3));
            Assert.That(metrics.Value("gateway_function_invocation_total", fn, "code=404"), Is.EqualTo(2));
            Assert.That(metrics.Value("gateway_function_invocation_inflight", fn), Is.Zero);
            Assert.That(metrics.Value("gateway_functions_seconds_count", fn, "code=200"), Is.EqualTo(3));
            Assert.That(metrics.Value("gateway_functions_seconds_count", fn, "code=404"), Is.EqualTo(2));
            Assert.That(metrics.Value("gateway_functions_seconds_sum", fn, "code=200"), Is.GreaterThan(0));
        }

        foreach (var code in new[] { "200", "404" })
        {
            var buckets = metrics.Samples("gateway_functions_seconds_bucket", fn, "code=" + code)
                .Select(s => (Le: s.Labels["le"], s.Value))
                .ToList();
            // The Go client's default buckets, cumulative, ending at +Inf = the count.
            Assert.That(
                buckets.Select(b => b.Le),
                Is.EqualTo(new[] { "0.005", "0.01", "0.025", "0.05", "0.075", "0.1", "0.25", "0.5", "0.75", "1", "2.5", "5", "7.5", "10", "+Inf" }));
            Assert.That(buckets.Select(b => b.Value), Is.Ordered);
            Assert.That(buckets[^1].Value, Is.EqualTo(metrics.Value("gateway_functions_seconds_count", fn, "code=" + code)));
        }
    }

    [Test]
    public async Task Replicas_readiness_scaling_labels_state_and_usage_come_from_the_platform()
    {
        var name = Unique("gauges");
        Gateway.Platform.Add(new FunctionInfo
        {
            Spec = new FunctionSpec
            {
                Name = name,
                Namespace = "openfaas-fn",
                Image = "img",
                Labels = new Dictionary<string, string> { ["com.openfaas.scale.min"] = "2", ["com.openfaas.scale.target"] = "7" },
            },
            Replicas = 1,
            AvailableReplicas = 0,
            State = FunctionState.Paused,
        });
        Gateway.Usage.Values[$"{name}.openfaas-fn"] = new FunctionUsage(CpuSeconds: 1.5, CpuMillicores: 12, TotalMemoryBytes: 3_145_728);

        var metrics = await ScrapeAsync();
        var fn = $"function_name={name}.openfaas-fn";
        using (Assert.EnterMultipleScope())
        {
            Assert.That(metrics.Value("gateway_service_count", fn), Is.EqualTo(1));
            Assert.That(metrics.Value("gateway_service_ready_count", fn), Is.Zero);
            Assert.That(metrics.Value("gateway_service_min", fn), Is.EqualTo(2));
            Assert.That(metrics.Value("gateway_service_target", fn), Is.EqualTo(7));
            Assert.That(metrics.Value("faasd_function_state", fn, "state=frozen"), Is.EqualTo(1));
            Assert.That(metrics.Value("faasd_function_state", fn, "state=running"), Is.Zero);
            Assert.That(metrics.Value("faasd_function_state", fn, "state=stopped"), Is.Zero);
            Assert.That(metrics.Value("pod_cpu_usage_seconds_total", fn, "namespace=openfaas-fn"), Is.EqualTo(1.5));
            Assert.That(metrics.Value("pod_memory_working_set_bytes", fn, "namespace=openfaas-fn"), Is.EqualTo(3_145_728));
            Assert.That(metrics.HasType("pod_cpu_usage_seconds_total", "counter"), Is.True);
        }

        // Gone from the platform: gone from the next scrape.
        Gateway.Platform.Reset();
        var after = await ScrapeAsync();
        Assert.That(after.Samples("gateway_service_count", fn), Is.Empty);
        Assert.That(after.Samples("faasd_function_state", fn), Is.Empty);
        Assert.That(after.Samples("pod_memory_working_set_bytes", fn), Is.Empty);
    }

    [Test]
    public async Task Process_metrics_are_exported()
    {
        var metrics = await ScrapeAsync();
        Assert.That(metrics.Value("process_working_set_bytes"), Is.GreaterThan(0));
        Assert.That(metrics.HasType("process_cpu_seconds_total", "counter"), Is.True);
    }

    [Test]
    public async Task Metrics_are_served_only_on_their_own_listener()
    {
        using var onGateway = await Gateway.Anonymous.GetAsync("/metrics");
        using var otherPath = await _metrics.GetAsync("/system/functions");
        using var post = await _metrics.PostAsync("/metrics", content: null);

        Assert.That(onGateway.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(otherPath.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }

    [Test]
    public async Task List_carries_invocation_count_and_usage_and_describe_carries_usage()
    {
        var name = Unique("listed");
        Gateway.Platform.Add(name);
        Gateway.Usage.Values[$"{name}.openfaas-fn"] = new FunctionUsage(CpuSeconds: 2, CpuMillicores: 250, TotalMemoryBytes: 1_048_576);
        for (var i = 0; i < 4; i++)
        {
            using var _ = await Gateway.Anonymous.GetAsync($"/function/{name}");
        }

        using var list = await JsonDocument.ParseAsync(await Client.GetStreamAsync("/system/functions"));
        var item = list.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);
        using var described = await JsonDocument.ParseAsync(await Client.GetStreamAsync($"/system/function/{name}?usage=1"));
        using var gatewayCheck = await JsonDocument.ParseAsync(await Client.GetStreamAsync($"/system/function/{name}?usage=false"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(item.GetProperty("invocationCount").GetDouble(), Is.EqualTo(4));
            Assert.That(item.GetProperty("usage").GetRawText(), Is.EqualTo("""{"cpu":250,"totalMemoryBytes":1048576}"""));
            Assert.That(described.RootElement.GetProperty("usage").GetRawText(), Is.EqualTo("""{"cpu":250,"totalMemoryBytes":1048576}"""));
            Assert.That(gatewayCheck.RootElement.TryGetProperty("usage", out _), Is.False);
        }
    }

    [Test]
    public async Task A_deleted_function_loses_its_counters()
    {
        var name = Unique("deleted");
        Gateway.Platform.Add(name);
        using (await Gateway.Anonymous.GetAsync($"/function/{name}"))
        {
        }

        Assert.That((await ScrapeAsync()).Value("gateway_function_invocation_started", $"function_name={name}.openfaas-fn"), Is.EqualTo(1));
        using var delete = await SendJsonAsync(HttpMethod.Delete, "/system/functions", $$"""{"functionName":"{{name}}"}""");
        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.Accepted).Or.EqualTo(HttpStatusCode.OK));

        var after = await ScrapeAsync();
        Assert.That(after.Samples("gateway_function_invocation_started", $"function_name={name}.openfaas-fn"), Is.Empty);
        Assert.That(after.Samples("gateway_function_invocation_total", $"function_name={name}.openfaas-fn"), Is.Empty);
    }

    private static string Unique(string what) => $"m{what}{TestEnvironment.UniqueSuffix()[..6]}";

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var response = await _metrics.GetAsync("/metrics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        return new PrometheusText(await response.Content.ReadAsStringAsync());
    }
}
