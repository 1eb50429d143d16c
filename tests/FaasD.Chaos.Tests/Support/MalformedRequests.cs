using System.Text;

namespace FaasD.Chaos.Tests.Support;

/// <summary>
/// A reproducible stream (fixed seed) of requests an attacker or a broken client sends: every route, odd methods,
/// hostile names, truncated, mistyped, deeply nested and oversized JSON, bad or missing credentials, huge headers.
/// </summary>
internal sealed class MalformedRequests(int seed, string password)
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO"];

    private static readonly string[] Names =
    [
        "echo", "..", "../../etc/passwd", "a%00b", "%2e%2e", new string('a', 300), "%C3%A9", "", "A", "-a", "a.b.c", "openfaas",
        "default", "x%0Ay", "%FF%FE", "a b",
    ];

    private static readonly string[] ValidBodies =
    [
        """{"service":"NAME","image":"127.0.0.1:5000/none/none:fuzz"}""",
        """{"functionName":"NAME"}""",
        """{"serviceName":"NAME","replicas":1}""",
        """{"name":"NAME","value":"v","rawValue":"AAEC"}""",
        """{"name":"NAME","labels":{"openfaas":"1"}}""",
        """{"service":"NAME","image":"x","limits":{"memory":"99999999999999999999999Ti","cpu":"-1"},"envVars":{"A":null},"labels":{"":"v"}}""",
        """{"service":"NAME","image":"x","replicas":-1,"secrets":[null,"../x"],"annotations":{"k":1}}""",
    ];

    private readonly Random _random = new(seed);
    private readonly string _auth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + password));

    public HttpRequestMessage Next()
    {
        var method = Pick(Methods);
        var name = Pick(Names).Length == 0 || _random.Next(3) == 0 ? Pick(Names) : "fz" + _random.Next(1000);
        var request = new HttpRequestMessage(new HttpMethod(method), Path(name));
        switch (_random.Next(10))
        {
            case 0:
                break; // no credentials
            case 1:
                request.Headers.TryAddWithoutValidation("Authorization", Pick(["Basic !!!", "Bearer ", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:wrong")), "Basic", "Digest x"]));
                break;
            default:
                request.Headers.TryAddWithoutValidation("Authorization", _auth);
                break;
        }

        if (_random.Next(50) == 0)
        {
            request.Headers.TryAddWithoutValidation("X-Huge", new string('h', 40 * 1024)); // over the header limit: 431
        }

        if (method is not ("GET" or "HEAD" or "TRACE") || _random.Next(5) == 0)
        {
            request.Content = Body(name);
        }

        return request;
    }

    private string Path(string name) => _random.Next(16) switch
    {
        0 => "/system/functions",
        1 => $"/system/function/{name}",
        2 => $"/system/scale-function/{name}",
        3 => "/system/secrets" + (_random.Next(2) == 0 ? "" : $"?namespace={name}"),
        4 => "/system/namespaces",
        5 => $"/system/namespace/{name}",
        6 => $"/system/logs?name={name}&tail={Pick(["-1", "x", "99999999999999", "10"])}&since={Pick(["", "yesterday", "2024-01-01T00:00:00Z"])}&namespace={Pick(["", "..", "openfaas-fn"])}",
        7 => "/system/info",
        8 => $"/function/{name}",
        9 => $"/function/{name}.{Pick(Names)}/x?y=%00",
        10 => "/healthz",
        11 => "/ui/",
        12 => "/metrics",
        13 => "/" + new string('x', _random.Next(1, 4000)),
        14 => $"/system/functions?namespace={name}",
        _ => $"/async-function/{name}",
    };

    private HttpContent Body(string name)
    {
        var valid = Pick(ValidBodies).Replace("NAME", name, StringComparison.Ordinal);
        byte[] bytes = _random.Next(9) switch
        {
            0 => Encoding.UTF8.GetBytes(valid),
            1 => Encoding.UTF8.GetBytes(valid[..(_random.Next(valid.Length))]), // truncated
            2 => Encoding.UTF8.GetBytes(valid.Replace("\"", "", StringComparison.Ordinal)), // not JSON
            3 => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("[", 5000)) + string.Concat(Enumerable.Repeat("]", 5000))), // deep
            4 => RandomBytes(_random.Next(1, 2048)),
            5 => Encoding.UTF8.GetBytes(Pick(["null", "42", "\"s\"", "[]", "{}", "true"])),
            6 => Encoding.UTF8.GetBytes("{\"service\":\"" + new string('s', _random.Next(20) == 0 ? 5_000_000 : _random.Next(5, 5000)) + "\"}"), // now and then over the 4 MiB API limit
            7 => Encoding.UTF8.GetBytes(valid.Replace(":", ":{", StringComparison.Ordinal)),
            _ => [],
        };
        var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", Pick(["application/json", "text/plain", "application/x-www-form-urlencoded", "garbage/;;;"]));
        return content;
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
