using System.Net;
using FaasD.Gateway.Alerts;
using FaasD.Gateway.Tests.Infrastructure;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Alerts;

internal sealed class AlertEndpointsTests : GatewayTestBase
{
    private const string Firing = """{"status":"firing","receiver":"scale-up","alerts":[{"status":"firing","labels":{"alertname":"APIHighInvocationRate","function_name":"echo.openfaas-fn"}}]}""";
    private const string Resolved = """{"status":"resolved","receiver":"scale-up","alerts":[{"status":"resolved","labels":{"alertname":"APIHighInvocationRate","function_name":"echo"}}]}""";

    [Test]
    public async Task Firing_adds_a_step_and_resolved_goes_back_to_min()
    {
        Gateway.Platform.Add("echo", replicas: 1);
        using (var response = await SendJsonAsync(HttpMethod.Post, "/system/alert", Firing))
        {
            await AssertEmptyAsync(response, 200);
        }

        Gateway.Platform.Add("echo", replicas: 3);
        using (var response = await SendJsonAsync(HttpMethod.Post, "/system/alert", Resolved))
        {
            await AssertEmptyAsync(response, 200);
        }

        Assert.That(Gateway.Platform.Scaled, Is.EqualTo(new[] { ("openfaas-fn", "echo", 2), ("openfaas-fn", "echo", 1) }));
    }

    [Test]
    public async Task Bad_json_is_400()
    {
        using var response = await SendJsonAsync(HttpMethod.Post, "/system/alert", "{nope");
        await AssertGoErrorAsync(response, 400, "Unable to parse alert, bad format.");
    }

    [Test]
    public async Task An_unknown_function_is_500_with_the_alert_index()
    {
        using var response = await SendJsonAsync(HttpMethod.Post, "/system/alert", Firing);
        await AssertGoErrorAsync(response, 500, "[0] unable to find function: echo.openfaas-fn");
    }

    [Test]
    public async Task Alerts_need_basic_auth()
    {
        using var response = await Gateway.Anonymous.PostAsync("/system/alert", new StringContent(Firing));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase(true, 1, null, 2)]
    [TestCase(true, 5, null, 5)]
    [TestCase(false, 4, null, 1)]
    [TestCase(true, 1, "50", 4)]
    [TestCase(true, 1, "100", 5)]
    public void Arithmetic_follows_the_ce_gateway(bool firing, int current, string? factor, int expected)
    {
        var labels = new Dictionary<string, string>();
        if (factor is not null)
        {
            labels["com.openfaas.scale.factor"] = factor;
        }

        Assert.That(AlertScaling.Next(firing, current, labels), Is.EqualTo((expected, (string?)null)));
    }

    [Test]
    public void A_factor_outside_1_to_100_is_an_error() =>
        Assert.That(AlertScaling.Next(true, 1, new Dictionary<string, string> { ["com.openfaas.scale.factor"] = "0" }).Error, Does.Contain("bad scaling factor"));
}
