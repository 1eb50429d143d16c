using System.Net;
using System.Net.Sockets;
using System.Text;
using FaasD.TestSupport;

namespace FaasD.Images.Tests.Integration.Support;

/// <summary>
/// A registry on 127.0.0.1 that forwards to the real test registry, with one twist per test: demand Basic auth,
/// demand a Bearer token from its own <c>/token</c> realm, or flip one byte of every layer it serves.
/// </summary>
internal sealed class FakeRegistry : IAsyncDisposable
{
    public const string Token = "fake-token-3f9a";

    private static readonly HttpClient s_upstream = new();

    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly Mode _mode;
    private readonly string? _basic;

    private FakeRegistry(Mode mode, string? username, string? password)
    {
        _mode = mode;
        _basic = username is null ? null : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public enum Mode
    {
        CorruptLayers,
        Basic,
        Bearer,
    }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Token requests seen, as their query strings.</summary>
    public List<string> TokenRequests { get; } = [];

    public static FakeRegistry Start(Mode mode, string? username = null, string? password = null) => new(mode, username, password);

    /// <summary>A port nothing listens on (bound and released), for "registry unreachable".</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            var path = request.Url!.AbsolutePath;
            var authorization = request.Headers["Authorization"];
            if (_mode == Mode.Bearer && path == "/token")
            {
                lock (TokenRequests)
                {
                    TokenRequests.Add(request.Url.Query);
                }

                if (_basic is not null && authorization != _basic)
                {
                    response.StatusCode = 401;
                    return;
                }

                await WriteAsync(response, 200, "application/json", $"{{\"token\":\"{Token}\",\"expires_in\":300}}");
                return;
            }

            if (_mode == Mode.Basic && authorization != _basic)
            {
                response.AddHeader("WWW-Authenticate", "Basic realm=\"fake\"");
                await WriteAsync(response, 401, "application/json", "{}");
                return;
            }

            if (_mode == Mode.Bearer && authorization != "Bearer " + Token)
            {
                var repository = path.Split("/manifests/")[0].Split("/blobs/")[0]["/v2/".Length..];
                response.AddHeader("WWW-Authenticate", $"Bearer realm=\"http://{Host}/token\",service=\"fake-registry\",scope=\"repository:{repository}:pull\"");
                await WriteAsync(response, 401, "application/json", "{}");
                return;
            }

            await ForwardAsync(request, response, corrupt: _mode == Mode.CorruptLayers && path.Contains("/blobs/", StringComparison.Ordinal));
        }
        finally
        {
            response.Close();
        }
    }

    private static async Task ForwardAsync(HttpListenerRequest request, HttpListenerResponse response, bool corrupt)
    {
        using var upstreamRequest = new HttpRequestMessage(new HttpMethod(request.HttpMethod), $"http://{TestEnvironment.Registry}{request.Url!.PathAndQuery}");
        if (request.Headers["Accept"] is { } accept)
        {
            upstreamRequest.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var upstream = await s_upstream.SendAsync(upstreamRequest);
        var body = await upstream.Content.ReadAsByteArrayAsync();
        if (corrupt && body.Length > 1000)
        {
            // Only layers are this big; manifests and the config stay intact so the pull gets as far as the layer.
            body[body.Length / 2] ^= 0x01;
        }

        response.StatusCode = (int)upstream.StatusCode;
        if (upstream.Headers.TryGetValues("Docker-Content-Digest", out var digest))
        {
            response.AddHeader("Docker-Content-Digest", digest.First());
        }

        response.ContentType = upstream.Content.Headers.ContentType?.ToString();
        response.ContentLength64 = upstream.Content.Headers.ContentLength ?? body.Length;
        if (request.HttpMethod != "HEAD")
        {
            await response.OutputStream.WriteAsync(body);
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
    }
}
