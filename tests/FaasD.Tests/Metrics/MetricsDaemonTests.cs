using System.Globalization;
using System.Net;
using System.Text.Json;
using FaasD.Tests.Daemon;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using NUnit.Framework;

namespace FaasD.Tests.Metrics;

/// <summary>
/// Metrics and usage from a real daemon: exact counts after known traffic on the metrics listener, the list's
/// invocationCount, cgroup memory and CPU of a function that fills a known amount of shared memory, the wake
/// histogram, and a real Prometheus (Debian's binary) scraping the listener with the repository's scrape config.
/// </summary>
[Integration]
[NonParallelizable]
internal sealed class MetricsDaemonTests : DaemonFixture
{
    private const int FillMebibytes = 48;
    private TestImage _filler = null!;

    [OneTimeSetUp]
    public async Task BuildFillerImage() =>
        _filler = await TestImages.BuildAndPushAsync(
            "metrics-filler",
            BusyboxHttpd.Contents()
                .AddFile("/www/cgi-bin/fill", FillScript, ImageContents.ExecutableMode)
                .AddFile("/www/cgi-bin/burn", BurnScript, ImageContents.ExecutableMode),
            BusyboxHttpd.Config);

    [Test]
    public async Task Known_traffic_gives_exact_counts_in_metrics_and_the_list()
    {
        var name = Name("counted");
        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference });
        using var plain = new HttpClient { BaseAddress = Daemon.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        for (var i = 0; i < 3; i++)
        {
            using var ok = await plain.GetAsync($"/function/{name}");
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        for (var i = 0; i < 2; i++)
        {
            using var missing = await plain.GetAsync($"/function/{name}.openfaas-fn/no-such-file");
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }

        var metrics = await ScrapeAsync();
        var fn = $"function_name=\"{name}.openfaas-fn\"";
        using (Assert.EnterMultipleScope())
        {
            Assert.That(metrics, Does.Contain($"gateway_function_invocation_started{{{fn}}} 5\n"));
            Assert.That(metrics, Does.Contain($"gateway_function_invocation_total{{{fn},code=\"200\"}} 3\n"));
            Assert.That(metrics, Does.Contain($"gateway_function_invocation_total{{{fn},code=\"404\"}} 2\n"));
            Assert.That(metrics, Does.Contain($"gateway_functions_seconds_count{{{fn},code=\"200\"}} 3\n"));
            Assert.That(metrics, Does.Contain($"gateway_functions_seconds_bucket{{{fn},code=\"404\",le=\"+Inf\"}} 2\n"));
            Assert.That(metrics, Does.Contain($"gateway_function_invocation_inflight{{{fn}}} 0\n"));
            Assert.That(metrics, Does.Contain($"gateway_service_count{{{fn}}} 1\n"));
            Assert.That(metrics, Does.Contain($"gateway_service_ready_count{{{fn}}} 1\n"));
            Assert.That(metrics, Does.Contain($"faasd_function_state{{{fn},state=\"running\"}} 1\n"));
            Assert.That(metrics, Does.Contain("process_cpu_seconds_total "));
            // The deploy made sure its image was there: a pull or a cache hit, counted once per deploy.
            Assert.That(metrics, Does.Match("faasd_image_pulls_total\\{outcome=\"(pulled|cached)\"\\} [1-9]"));
        }

        var listed = await ListedAsync(name);
        Assert.That(listed.GetProperty("invocationCount").GetDouble(), Is.EqualTo(5));
    }

    [Test]
    public async Task Cgroup_usage_shows_the_memory_a_function_fills_and_the_cpu_it_burns()
    {
        var name = Name("filler");
        await DeployLikeFaasCliAsync(new { service = name, image = _filler.Reference });
        var before = await UsageAsync(name);
        Assert.That(await InvokeAsync($"/function/{name}/cgi-bin/fill"), Does.Contain($"filled {FillMebibytes}"));
        Assert.That(await InvokeAsync($"/function/{name}/cgi-bin/burn"), Does.Contain("burnt"));

        var after = await UsageAsync(name);
        var metrics = await ScrapeAsync();
        var fill = FillMebibytes * 1024.0 * 1024.0;
        var fn = $"function_name=\"{name}.openfaas-fn\",namespace=\"openfaas-fn\"";
        using (Assert.EnterMultipleScope())
        {
            // Shared memory (tmpfs) is charged to the cgroup and is not reclaimable file cache: all of it is working set,
            // so the working set after the fill holds at least the fill. The rest of the working set (httpd's own file
            // pages) can shrink between the samples when the kernel deactivates them (seen: 110 KiB), so the fill is
            // bounded from below by the absolute value and the growth only from above.
            var afterBytes = after.GetProperty("totalMemoryBytes").GetDouble();
            Assert.That(afterBytes, Is.GreaterThanOrEqualTo(fill));
            Assert.That(afterBytes - before.GetProperty("totalMemoryBytes").GetDouble(), Is.LessThanOrEqualTo(fill + (8 * 1024 * 1024)));
            Assert.That(SampleValue(metrics, $"pod_memory_working_set_bytes{{{fn}}}"), Is.InRange(fill, fill + (16 * 1024 * 1024)));
            // The burn loop runs for at least a tenth of a CPU second on any machine this runs on.
            Assert.That(SampleValue(metrics, $"pod_cpu_usage_seconds_total{{{fn}}}"), Is.GreaterThan(0.1));
        }
    }

    [Test]
    public async Task Freezing_shows_in_the_state_and_the_next_call_is_a_recorded_wake()
    {
        var name = Name("sleepy");
        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference });
        using (var scale = await Api.PostAsync($"/system/scale-function/{name}", new StringContent($$"""{"serviceName":"{{name}}","replicas":0}""")))
        {
            Assert.That(scale.StatusCode, Is.EqualTo(HttpStatusCode.Accepted).Or.EqualTo(HttpStatusCode.OK));
        }

        var fn = $"function_name=\"{name}.openfaas-fn\"";
        var frozen = await ScrapeAsync();
        Assert.That(frozen, Does.Contain($"faasd_function_state{{{fn},state=\"frozen\"}} 1\n"));
        Assert.That(frozen, Does.Contain($"gateway_service_ready_count{{{fn}}} 0\n"));

        await InvokeAsync($"/function/{name}");

        var woken = await ScrapeAsync();
        Assert.That(woken, Does.Contain($"faasd_function_wake_seconds_count{{{fn}}} 1\n"));
        Assert.That(woken, Does.Contain($"faasd_function_state{{{fn},state=\"running\"}} 1\n"));
    }

    [Test]
    public async Task A_real_prometheus_scrapes_our_series_with_the_repository_scrape_config()
    {
        if (!File.Exists(PrometheusServer.Binary))
        {
            Assert.Ignore($"{PrometheusServer.Binary} is not installed (apt-get install prometheus)");
        }

        var name = Name("scraped");
        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference });
        for (var i = 0; i < 4; i++)
        {
            await InvokeAsync($"/function/{name}");
        }

        await using var prometheus = await PrometheusServer.StartAsync(Daemon.MetricsPort);
        var total = await prometheus.WaitForValueAsync($"sum(gateway_function_invocation_total{{function_name=\"{name}.openfaas-fn\"}})", expected: 4);
        var replicas = await prometheus.WaitForValueAsync($"gateway_service_count{{function_name=\"{name}.openfaas-fn\",job=\"faasd\"}}", expected: 1);

        Assert.That(total, Is.EqualTo(4));
        Assert.That(replicas, Is.EqualTo(1));
    }

    private async Task<string> ScrapeAsync()
    {
        using var client = new HttpClient { BaseAddress = Daemon.MetricsAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await client.GetAsync("/metrics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<JsonElement> ListedAsync(string name)
    {
        using var list = JsonDocument.Parse(await Api.GetStringAsync("/system/functions"));
        return list.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name).Clone();
    }

    /// <summary>The usage of <c>GET /system/function/NAME</c>, as faas-cli describe reads it.</summary>
    private async Task<JsonElement> UsageAsync(string name)
    {
        using var described = JsonDocument.Parse(await Api.GetStringAsync($"/system/function/{name}?usage=1"));
        Assert.That(described.RootElement.TryGetProperty("usage", out var usage), Is.True, described.RootElement.GetRawText());
        return usage.Clone();
    }

    private static double SampleValue(string metrics, string series)
    {
        var line = metrics.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        Assert.That(line, Is.Not.Null, $"{series} not exported");
        return double.Parse(line![(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    // Writes FillMebibytes into /dev/shm (tmpfs, charged to the function's memory cgroup) and keeps it there.
    private const string FillScript = """
        #!/bin/sh
        printf 'Content-Type: text/plain\r\n\r\n'
        dd if=/dev/zero of=/dev/shm/fill bs=1048576 count=48 2>/dev/null
        echo "filled $(($(wc -c < /dev/shm/fill) / 1048576))"

        """;

    private const string BurnScript = """
        #!/bin/sh
        printf 'Content-Type: text/plain\r\n\r\n'
        i=0
        while [ $i -lt 300000 ]; do i=$((i + 1)); done
        echo burnt

        """;
}
