using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaasD.Gateway.Tests.Infrastructure;

/// <summary>What the upstream saw of one request.</summary>
internal sealed record SeenRequest(string Method, string Path, string RawTarget, string QueryString, IReadOnlyDictionary<string, string> Headers, long BodyLength, string BodyText);

/// <summary>
/// A real Kestrel app on 127.0.0.1 standing in for a function (a watchdog). Routes:
/// <c>/big/{bytes}</c> streams that many bytes back; <c>/slow</c> never answers; <c>/count</c> reads the body, signals on its first bytes and
/// answers the length; <c>/status/{code}</c> answers that status; anything else records the request and answers
/// <c>{method} {path}</c> with <c>X-Duration-Seconds</c>.
/// </summary>
internal sealed class EchoUpstream : IAsyncDisposable
{
    public const int ChunkSize = 64 * 1024;

    private readonly WebApplication _app;

    private EchoUpstream(WebApplication app, string prefix)
    {
        _app = app;
        DestinationPrefix = prefix;
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>, what the platform returns for a ready function.</summary>
    public string DestinationPrefix { get; }

    public SeenRequest? Last { get; private set; }

    /// <summary>Completed when <c>/count</c> has received its first body bytes.</summary>
    public TaskCompletionSource FirstBodyBytes { get; private set; } = NewSignal();

    public void Reset()
    {
        Last = null;
        FirstBodyBytes = NewSignal();
    }

    public static async Task<EchoUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        EchoUpstream? self = null;
        app.Run(context => self!.HandleAsync(context));
        await app.StartAsync();
        self = new EchoUpstream(app, app.Urls.First().TrimEnd('/'));
        return self;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value ?? "";
        if (path.StartsWith("/big/", StringComparison.Ordinal))
        {
            var total = long.Parse(path["/big/".Length..], CultureInfo.InvariantCulture);
            response.ContentType = "application/octet-stream";
            var chunk = Pattern(ChunkSize);
            for (long sent = 0; sent < total; sent += ChunkSize)
            {
                var size = (int)Math.Min(ChunkSize, total - sent);
                await response.Body.WriteAsync(chunk.AsMemory(0, size), context.RequestAborted);
            }

            return;
        }

        if (path == "/count")
        {
            var buffer = new byte[ChunkSize];
            long length = 0;
            long checksum = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                if (length == 0)
                {
                    FirstBodyBytes.TrySetResult();
                }

                for (var i = 0; i < read; i++)
                {
                    checksum += buffer[i];
                }

                length += read;
            }

            await response.WriteAsync($"{length} {checksum}", context.RequestAborted);
            return;
        }

        if (path == "/slow")
        {
            // Never answers: the caller has to give up.
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
            return;
        }

        if (path.StartsWith("/status/", StringComparison.Ordinal))
        {
            response.StatusCode = int.Parse(path["/status/".Length..], CultureInfo.InvariantCulture);
            return;
        }

        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }

        Last = new SeenRequest(
            request.Method,
            path,
            context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "",
            request.QueryString.Value ?? "",
            headers,
            body.Length,
            body);
        response.Headers["X-Duration-Seconds"] = "0.001234";
        if (request.Headers.TryGetValue("X-Echo-Response-Header", out var extra))
        {
            var parts = extra.ToString().Split(':', 2);
            response.Headers.Append(parts[0].Trim(), parts[1].Trim());
        }

        if (!HttpMethods.IsHead(request.Method))
        {
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync($"{request.Method} {path}", context.RequestAborted);
        }
    }

    /// <summary>The bytes <c>/big/</c> sends: a repeating 0..250 pattern.</summary>
    public static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i % 251);
        }

        return bytes;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
