using System.Net;
using System.Text;
using FaasD.Gateway.Tests.Infrastructure;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Http;

/// <summary>Issue 11 item 1: the caller's mistakes get a 4xx with a one-line reason on every route, never a 5xx.</summary>
internal sealed class BadInputTests : GatewayTestBase
{
    private static readonly string LongName = new('a', 300);

    private static IEnumerable<TestCaseData> Cases()
    {
        TestCaseData Case(string method, string path, string? body, int status, string why) =>
            new TestCaseData(method, path, body, status).SetName($"{method} {why} → {status}");

        // Malformed JSON and wrong types.
        yield return Case("POST", "/system/functions", "{\"service\":", 400, "functions truncated JSON");
        yield return Case("POST", "/system/functions", "[]", 400, "functions array body");
        yield return Case("POST", "/system/functions", "null", 400, "functions null body");
        yield return Case("PUT", "/system/functions", "{\"service\":1,\"image\":\"x\"}", 400, "functions number as name");
        yield return Case("POST", "/system/functions", "{\"service\":\"a\",\"image\":\"x\",\"envVars\":[\"A=1\"]}", 400, "functions envVars as list");
        yield return Case("POST", "/system/functions", "{\"service\":\"a\",\"image\":\"x\",\"readOnlyRootFilesystem\":\"yes\"}", 400, "functions string as bool");
        yield return Case("DELETE", "/system/functions", "{\"functionName\":{}}", 400, "delete object as name");
        yield return Case("POST", "/system/scale-function/a", "{\"replicas\":\"one\"}", 400, "scale string replicas");
        yield return Case("POST", "/system/namespace/", "{\"name\":", 400, "namespace truncated JSON");

        // Values JSON allows but nothing downstream can use.
        yield return Case("POST", "/system/functions", "{\"service\":\"a\",\"image\":\"x\",\"envVars\":{\"A\":null}}", 400, "functions null env value");
        yield return Case("POST", "/system/functions", "{\"service\":\"a\",\"image\":\"x\",\"envVars\":{\"A\":\"a\\u0000b\"}}", 400, "functions NUL in env value");
        yield return Case("POST", "/system/functions", "{\"service\":\"a\",\"image\":\"x\",\"labels\":{\"\":\"v\"}}", 400, "functions empty label key");
        yield return Case("POST", "/system/functions", $"{{\"service\":\"a\",\"image\":\"x\",\"annotations\":{{\"k\":\"{new string('v', 5000)}\"}}}}", 400, "functions oversized annotation");
        yield return Case("POST", "/system/functions", "{\"service\":\"a\",\"image\":\"busy box\"}", 400, "functions image with space");
        yield return Case("POST", "/system/functions", $"{{\"service\":\"a\",\"image\":\"{new string('i', 2000)}\"}}", 400, "functions 2000-character image");
        yield return Case("POST", "/system/functions", "{\"service\":\"a\",\"image\":\"x\",\"secrets\":[null]}", 400, "functions null secret");
        yield return Case("POST", "/system/namespace/", "{\"name\":\"t\",\"labels\":{\"openfaas\":\"1\",\"k\":null}}", 400, "namespace null label");

        // Bad names: traversal, dots, NUL, 300 characters, upper case.
        yield return Case("POST", "/system/functions", "{\"service\":\"../etc\",\"image\":\"x\"}", 400, "deploy traversal name");
        yield return Case("POST", "/system/functions", "{\"service\":\"a\\u0000b\",\"image\":\"x\"}", 400, "deploy NUL name");
        yield return Case("POST", "/system/functions", $"{{\"service\":\"{LongName}\",\"image\":\"x\"}}", 400, "deploy 300-character name");
        yield return Case("POST", "/system/functions", "{\"service\":\"Echo\",\"image\":\"x\"}", 400, "deploy upper-case name");
        yield return Case("GET", "/system/function/a..b", null, 400, "status dot-dot name");
        yield return Case("GET", "/system/function/a%00b", null, 400, "status NUL name (Kestrel refuses the target)");
        yield return Case("GET", $"/system/function/{LongName}", null, 400, "status 300-character name");
        yield return Case("POST", "/system/scale-function/..a", "{\"replicas\":1}", 400, "scale dot-dot name");
        yield return Case("DELETE", "/system/functions", "{\"functionName\":\"../../x\"}", 400, "delete traversal name");
        yield return Case("POST", "/system/secrets", "{\"name\":\"../../etc/shadow\",\"value\":\"x\"}", 400, "secret traversal name");
        yield return Case("POST", "/system/secrets", $"{{\"name\":\"{new string('s', 300)}\",\"value\":\"x\"}}", 400, "secret 300-character name");
        yield return Case("DELETE", "/system/secrets", "{\"name\":\"a\\u0000\"}", 400, "secret NUL name");
        yield return Case("POST", "/system/namespace/", $"{{\"name\":\"{LongName}\",\"labels\":{{\"openfaas\":\"1\"}}}}", 400, "namespace 300-character name");
        yield return Case("GET", "/system/logs?name=../../etc/passwd", null, 400, "logs traversal name");
        yield return Case("GET", "/system/logs?name=echo&namespace=..", null, 400, "logs traversal namespace");

        // Negative replicas, unknown namespaces, wrong methods.
        yield return Case("POST", "/system/scale-function/a", "{\"replicas\":-1}", 400, "scale negative replicas");
        yield return Case("POST", "/system/scale-function/a", "{\"replica\":1}", 400, "scale misspelt replicas");
        yield return Case("POST", "/system/scale-function/a", "{}", 400, "scale without replicas");
        yield return Case("POST", "/system/functions", "{\"service\":\"a\",\"image\":\"x\",\"namespace\":\"nope\"}", 400, "deploy unknown namespace");
        yield return Case("GET", "/system/functions?namespace=nope", null, 400, "list unknown namespace");
        yield return Case("GET", "/system/secrets?namespace=..%2F..", null, 400, "secrets traversal namespace");
        yield return Case("GET", "/system/scale-function/a", null, 405, "scale with GET");
        yield return Case("PATCH", "/system/functions", "{}", 405, "functions with PATCH");
        yield return Case("DELETE", "/system/secrets", "{\"name\":\"missing\"}", 404, "missing secret");
        yield return Case("GET", "/system/namespace/nope", null, 404, "unknown namespace");
    }

    [TestCaseSource(nameof(Cases))]
    public async Task BadInput_Answers4xxWithOneLineReason(string method, string path, string? body, int status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await Client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(status), text);
        if (status != 405 && !path.Contains("%00", StringComparison.Ordinal))
        {
            Assert.That(text.TrimEnd('\n'), Is.Not.Empty.And.Not.Contain('\n'), "a one-line reason");
        }

        Assert.That(Gateway.Platform.Deployed, Is.Empty, "nothing was deployed");
    }

    [Test]
    public async Task OversizedBody_Answers413()
    {
        // The test gateway accepts 64 KiB on /system; send more, without a Content-Length (chunked) so the limit
        // is enforced while reading, not from the header.
        var big = "{\"service\":\"a\",\"image\":\"x\",\"envProcess\":\"" + new string('x', 200 * 1024) + "\"}";
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/system/functions") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), await response.Content.ReadAsStringAsync());
    }
}
