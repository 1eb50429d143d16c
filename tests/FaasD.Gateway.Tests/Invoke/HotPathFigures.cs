using System.Diagnostics;
using FaasD.Gateway.Tests.Infrastructure;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Invoke;

/// <summary>
/// Rough figures for the warm invoke path, in one process on loopback: bytes allocated (whole process) and time per
/// request, calling the echo function directly and through the gateway. The difference is the gateway's cost.
/// Explicit: run with <c>dotnet test --filter Category=Measurement</c>.
/// </summary>
[Explicit("measurement, not a check")]
[Category("Measurement")]
internal sealed class HotPathFigures : GatewayTestBase
{
    private const int Warmup = 2_000;
    private const int Requests = 20_000;

    [Test]
    public async Task WarmGet_DirectVersusThroughGateway()
    {
        Gateway.Platform.Add("echo");
        using var direct = new HttpClient { BaseAddress = new Uri(Upstream.DestinationPrefix) };
        var callId = "fixed-call-id";

        var (directBytes, directTime) = await MeasureAsync(direct, "/m", callId);
        var (gatewayBytes, gatewayTime) = await MeasureAsync(Gateway.Anonymous, "/function/echo.openfaas-fn/m", callId);

        await TestContext.Out.WriteLineAsync($"direct : {directBytes,8:F0} B/req {directTime.TotalMicroseconds / Requests,8:F1} us/req");
        await TestContext.Out.WriteLineAsync($"gateway: {gatewayBytes,8:F0} B/req {gatewayTime.TotalMicroseconds / Requests,8:F1} us/req");
        await TestContext.Out.WriteLineAsync($"gateway overhead: {gatewayBytes - directBytes:F0} B/req, {(gatewayTime - directTime).TotalMicroseconds / Requests:F1} us/req");
        Assert.That(gatewayBytes, Is.GreaterThan(directBytes));
    }

    private static async Task<(double BytesPerRequest, TimeSpan Elapsed)> MeasureAsync(HttpClient client, string path, string callId)
    {
        for (var i = 0; i < Warmup; i++)
        {
            await SendAsync(client, path, callId);
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Requests; i++)
        {
            await SendAsync(client, path, callId);
        }

        watch.Stop();
        return ((GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Requests, watch.Elapsed);
    }

    private static async Task SendAsync(HttpClient client, string path, string callId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("X-Call-Id", callId);
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
    }
}
