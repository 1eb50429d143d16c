using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FaasD.Functions.Abstractions;
using FaasD.Gateway.Tests.Infrastructure;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Invoke;

internal sealed class FunctionProxyTests : GatewayTestBase
{
    private HttpClient Caller => Gateway.Anonymous;

    [SetUp]
    public void AddEcho() => Gateway.Platform.Add("echo");

    [TestCase("/function/echo", "/")]
    [TestCase("/function/echo/", "/")]
    [TestCase("/function/echo.openfaas-fn", "/")]
    [TestCase("/function/echo.openfaas-fn/", "/")]
    [TestCase("/function/echo/a/b/", "/a/b/")]
    [TestCase("/function/echo.openfaas-fn/a/b", "/a/b")]
    public async Task PathAfterName_IsUpstreamPath(string path, string upstreamPath)
    {
        using var response = await Caller.PostAsync(path, new StringContent("hello"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo($"POST {upstreamPath}"));
        Assert.That(Upstream.Last!.Path, Is.EqualTo(upstreamPath));
        Assert.That(Upstream.Last.BodyText, Is.EqualTo("hello"));
    }

    [Test]
    public async Task OtherNamespace_FromSuffixAfterLastDot()
    {
        Gateway.Platform.Add("echo", ns: "team-a");
        Gateway.Platform.LeaseOverride = (ns, name) => ns == "team-a"
            ? new EndpointLease(EndpointStatus.Ready, Upstream.DestinationPrefix, null)
            : EndpointLease.Failed(EndpointStatus.NotFound, "wrong namespace");

        using var response = await Caller.GetAsync("/function/echo.team-a/x");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Upstream.Last!.Path, Is.EqualTo("/x"));
    }

    [Test]
    public async Task RawQuery_PassedUnchanged()
    {
        const string Query = "?q=a%20b&x=%2F%3D%26&y=1+2&empty=&flag&utf=%C3%A9";

        using var response = await Caller.GetAsync("/function/echo.openfaas-fn/a" + Query);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Upstream.Last!.QueryString, Is.EqualTo(Query));
        Assert.That(Upstream.Last.RawTarget, Is.EqualTo("/a" + Query));
    }

    [Test]
    public async Task EncodedPathCharacters_KeepTheirEncoding()
    {
        using var response = await Caller.GetAsync("/function/echo/a%20b%2Fc/%C3%A9");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Upstream.Last!.RawTarget, Is.EqualTo("/a%20b%2Fc/%C3%A9"));
    }

    [Test]
    public async Task OddButAcceptedTargets_StillReachTheFunction()
    {
        using var response = await Caller.GetAsync(new Uri(Gateway.BaseAddress, "/function/echo/x?a=%zz&b=%&c=[1]"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Upstream.Last!.Path, Is.EqualTo("/x"));
        Assert.That(Upstream.Last.QueryString, Does.StartWith("?a="));
    }

    [Test]
    public async Task BodyLargerThanKestrelsDefaultLimit_IsForwarded()
    {
        // Kestrel caps request bodies at 30 MB by default; function bodies must not be capped by the gateway.
        const int Total = 40 * 1024 * 1024;
        var content = new GatedContent(Total, firstPart: 1024, gate: Task.CompletedTask);

        using var response = await Caller.PostAsync("/function/echo/count", content);

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo($"{Total} {GatedContent.Checksum(Total)}"));
    }

    [TestCase("GET")]
    [TestCase("POST")]
    [TestCase("PUT")]
    [TestCase("PATCH")]
    [TestCase("DELETE")]
    [TestCase("OPTIONS")]
    [TestCase("HEAD")]
    [TestCase("PROPFIND")]
    public async Task EveryMethod_IsForwarded(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/function/echo/m");

        using var response = await Caller.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Upstream.Last!.Method, Is.EqualTo(method));
        if (method != "HEAD")
        {
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo($"{method} /m"));
        }
    }

    [Test]
    public async Task HopByHopHeaders_AreDropped_OthersCopied()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/function/echo") { Content = new StringContent("x") };
        request.Headers.TryAddWithoutValidation("Connection", "X-Hop");
        request.Headers.TryAddWithoutValidation("X-Hop", "named-by-connection");
        request.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
        request.Headers.TryAddWithoutValidation("Proxy-Connection", "keep-alive");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic eDp5");
        request.Headers.TryAddWithoutValidation("Proxy-Authenticate", "Basic");
        request.Headers.TryAddWithoutValidation("Trailer", "X-Checksum");
        request.Headers.TryAddWithoutValidation("X-Custom", "kept");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer for-the-function");

        using var response = await Caller.SendAsync(request);

        var seen = Upstream.Last!.Headers;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            foreach (var hop in new[] { "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Proxy-Authenticate", "Trailer", "Upgrade" })
            {
                Assert.That(seen.ContainsKey(hop), Is.False, hop);
            }

            Assert.That(seen.TryGetValue("Connection", out var connection) ? connection : "", Does.Not.Contain("X-Hop"));
            Assert.That(seen["X-Custom"], Is.EqualTo("kept"));
            Assert.That(seen["Authorization"], Is.EqualTo("Bearer for-the-function"));
        }
    }

    [Test]
    public async Task ForwardedHeaders_AndHostIsTheFunctions()
    {
        using var response = await Caller.GetAsync("/function/echo");

        var seen = Upstream.Last!.Headers;
        var upstreamAuthority = new Uri(Upstream.DestinationPrefix).Authority;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(seen["X-Forwarded-Host"], Is.EqualTo(Gateway.BaseAddress.Authority));
            Assert.That(seen["X-Forwarded-For"], Does.Match(@"^127\.0\.0\.1:\d+$"));
            Assert.That(seen["Host"], Is.EqualTo(upstreamAuthority));
            Assert.That(seen["User-Agent"], Does.StartWith("faasd-gateway/"));
        }
    }

    [Test]
    public async Task ForwardedFor_IsEachConnectionsOwnPeer()
    {
        // Formatted once per connection: two keep-alive requests on one connection agree, another connection differs.
        using var first = new HttpClient(new SocketsHttpHandler()) { BaseAddress = Gateway.BaseAddress };
        using var second = new HttpClient(new SocketsHttpHandler()) { BaseAddress = Gateway.BaseAddress };

        (await first.GetAsync("/function/echo")).Dispose();
        var firstPeer = Upstream.Last!.Headers["X-Forwarded-For"];
        (await first.GetAsync("/function/echo")).Dispose();
        var firstAgain = Upstream.Last!.Headers["X-Forwarded-For"];
        (await second.GetAsync("/function/echo")).Dispose();
        var secondPeer = Upstream.Last!.Headers["X-Forwarded-For"];

        Assert.That(firstPeer, Does.Match(@"^127\.0\.0\.1:\d+$"));
        Assert.That(firstAgain, Is.EqualTo(firstPeer));
        Assert.That(secondPeer, Does.Match(@"^127\.0\.0\.1:\d+$").And.Not.EqualTo(firstPeer));
    }

    [Test]
    public async Task ForwardedHeaders_FromCaller_AreKept()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/function/echo");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.7:5555");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "example.com");
        request.Headers.TryAddWithoutValidation("User-Agent", "faas-cli/0.17.0 (openfaas; linux; amd64)");

        using var response = await Caller.SendAsync(request);

        Assert.That(Upstream.Last!.Headers["X-Forwarded-For"], Is.EqualTo("203.0.113.7:5555"));
        Assert.That(Upstream.Last.Headers["X-Forwarded-Host"], Is.EqualTo("example.com"));
        Assert.That(Upstream.Last.Headers["User-Agent"], Is.EqualTo("faas-cli/0.17.0 (openfaas; linux; amd64)"));
    }

    [Test]
    public async Task CallId_GeneratedWhenAbsent_AndEchoed()
    {
        using var response = await Caller.GetAsync("/function/echo");

        var sent = Upstream.Last!.Headers["X-Call-Id"];
        Assert.That(Guid.TryParse(sent, out _), Is.True, sent);
        Assert.That(response.Headers.GetValues("X-Call-Id").Single(), Is.EqualTo(sent));
    }

    [Test]
    public async Task CallId_FromCaller_PassedThrough_NotEchoed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/function/echo");
        request.Headers.TryAddWithoutValidation("X-Call-Id", "caller-id-1");

        using var response = await Caller.SendAsync(request);

        Assert.That(Upstream.Last!.Headers["X-Call-Id"], Is.EqualTo("caller-id-1"));
        Assert.That(response.Headers.Contains("X-Call-Id"), Is.False);
    }

    [Test]
    public async Task StartTime_ServedBy_AndFunctionHeaders()
    {
        var before = UnixNanos(DateTimeOffset.UtcNow);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/function/echo");
        request.Headers.TryAddWithoutValidation("X-Echo-Response-Header", "X-From-Function: yes");

        using var response = await Caller.SendAsync(request);
        var after = UnixNanos(DateTimeOffset.UtcNow);

        var sentStart = long.Parse(Upstream.Last!.Headers["X-Start-Time"], CultureInfo.InvariantCulture);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sentStart, Is.InRange(before, after));
            Assert.That(response.Headers.GetValues("X-Start-Time").Single(), Is.EqualTo(Upstream.Last.Headers["X-Start-Time"]));
            Assert.That(response.Headers.GetValues("X-Served-By").Single(), Does.StartWith("faasd/"));
            Assert.That(response.Headers.GetValues("X-Duration-Seconds").Single(), Is.EqualTo("0.001234"));
            Assert.That(response.Headers.GetValues("X-From-Function").Single(), Is.EqualTo("yes"));
        }
    }

    [Test]
    public async Task ContentType_FallsBackToRequests_ThenTextPlain()
    {
        using var withType = await Caller.PostAsync("/function/echo/status/200", new StringContent("{}", null, "application/json"));
        using var without = await Caller.GetAsync("/function/echo/status/200");

        Assert.That(withType.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(without.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
    }

    [Test]
    public async Task Redirects_AreReturnedNotFollowed()
    {
        using var response = await Caller.GetAsync("/function/echo/status/302");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
    }

    [Test]
    public async Task UnknownFunction_Returns404()
    {
        using var response = await Caller.PostAsync("/function/nope.openfaas-fn", new StringContent("x"));

        await AssertGoErrorAsync(response, 404, "error finding function nope.openfaas-fn: no such function");
    }

    [TestCase("/function/bad%20name")]
    [TestCase("/function/.openfaas-fn")]
    public async Task InvalidName_Returns404(string path)
    {
        using var response = await Caller.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Unavailable_Returns503()
    {
        Gateway.Platform.LeaseOverride = (_, _) => EndpointLease.Failed(EndpointStatus.Unavailable, "wake-up queue full");

        using var response = await Caller.GetAsync("/function/echo");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("No endpoints available for: echo."));
        Assert.That(response.Headers.GetValues("X-OpenFaaS-Internal").Single(), Is.EqualTo("proxy"));
    }

    [Test]
    public async Task WakeTimeout_Returns504WithReason()
    {
        Gateway.Platform.LeaseOverride = (_, _) => EndpointLease.Failed(EndpointStatus.Timeout, "echo.openfaas-fn did not start within 30s");

        using var response = await Caller.GetAsync("/function/echo");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.GatewayTimeout));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("echo.openfaas-fn did not start within 30s"));
    }

    [Test]
    public async Task UpstreamDown_Returns500CantReach()
    {
        Gateway.Platform.DestinationPrefix = $"http://127.0.0.1:{FreePort()}";

        using var response = await Caller.PostAsync("/function/echo", new StringContent("x"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("Can't reach service for: echo."));
            Assert.That(response.Headers.GetValues("X-OpenFaaS-Internal").Single(), Is.EqualTo("proxy"));
            Assert.That(Gateway.Platform.Inflight, Is.Zero);
        }
    }

    [Test]
    public async Task Lease_IsDisposedWhenEachRequestEnds()
    {
        for (var i = 0; i < 5; i++)
        {
            using var response = await Caller.GetAsync("/function/echo");
            await response.Content.ReadAsStringAsync();
        }

        Assert.That(Gateway.Platform.Released, Is.EqualTo(5));
        Assert.That(Gateway.Platform.Inflight, Is.Zero);
    }

    [Test]
    public async Task CallerGivesUp_LeaseIsReleased()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        Assert.That(
            async () => await Caller.GetAsync("/function/echo/slow", cts.Token),
            Throws.InstanceOf<OperationCanceledException>());

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Gateway.Platform.Released == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.That(Gateway.Platform.Released, Is.EqualTo(1));
        Assert.That(Gateway.Platform.Inflight, Is.Zero);
    }

    [Test]
    public async Task TenMegabyteRequest_IsStreamedToTheFunction()
    {
        const int Total = 10 * 1024 * 1024;
        var content = new GatedContent(Total, firstPart: 1024 * 1024, gate: Upstream.FirstBodyBytes.Task);

        using var response = await Caller.PostAsync("/function/echo/count", content);
        var body = await response.Content.ReadAsStringAsync();

        // The client holds back 9 MB until the function has seen the first bytes: a buffering proxy would deadlock here.
        Assert.That(content.GateWasOpenBeforeRest, Is.True);
        Assert.That(body, Is.EqualTo($"{Total} {GatedContent.Checksum(Total)}"));
    }

    [Test]
    public async Task TenMegabyteResponse_IsStreamedToTheCaller()
    {
        const int Total = 10 * 1024 * 1024;

        using var response = await Caller.GetAsync($"/function/echo/big/{Total}", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        long length = 0;
        long checksum = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                checksum += buffer[i];
            }

            length += read;
        }

        var chunkSum = EchoUpstream.Pattern(EchoUpstream.ChunkSize).Sum(b => (long)b);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.Content.Headers.ContentLength, Is.Null, "not buffered to compute a length");
            Assert.That(length, Is.EqualTo(Total));
            Assert.That(checksum, Is.EqualTo(chunkSum * (Total / EchoUpstream.ChunkSize)));
        }
    }

    private static long UnixNanos(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Sends <c>firstPart</c> bytes, waits for <c>gate</c> (the function saw bytes), then the rest.</summary>
    private sealed class GatedContent(int total, int firstPart, Task gate) : HttpContent
    {
        public bool GateWasOpenBeforeRest { get; private set; }

        public static long Checksum(int total)
        {
            long sum = 0;
            for (var i = 0; i < total; i++)
            {
                sum += (byte)(i % 239);
            }

            return sum;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var data = new byte[total];
            for (var i = 0; i < total; i++)
            {
                data[i] = (byte)(i % 239);
            }

            await stream.WriteAsync(data.AsMemory(0, firstPart));
            await stream.FlushAsync();
            await gate.WaitAsync(TimeSpan.FromSeconds(15));
            GateWasOpenBeforeRest = gate.IsCompletedSuccessfully;
            await stream.WriteAsync(data.AsMemory(firstPart));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = total;
            return true;
        }
    }
}
