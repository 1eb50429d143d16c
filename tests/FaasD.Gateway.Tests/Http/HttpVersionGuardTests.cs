using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Http;

/// <summary>
/// Issue 11: a first request line naming an unknown HTTP version gets 400, not Kestrel's 505. A real Kestrel on
/// 127.0.0.1 with the guard on its listener, spoken to over raw sockets (HttpClient cannot send such lines).
/// </summary>
internal sealed class HttpVersionGuardTests
{
    private static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Test]
    public async Task An_unknown_version_in_the_first_request_line_gets_400_and_the_connection_closes()
    {
        await using var server = await GuardedServer.StartAsync(guard: true);

        var answer = await ExchangeAsync(server.Port, ["GET / HTTP/9.9\r\nHost: x\r\n\r\n"]);

        Assert.Multiple(() =>
        {
            Assert.That(answer.Text, Does.StartWith("HTTP/1.1 400 Bad Request\r\n"));
            Assert.That(answer.Text, Does.Contain("\r\nConnection: close\r\n"));
            Assert.That(answer.Text, Does.Contain("\r\nContent-Type: text/plain\r\n"));
            Assert.That(answer.Text, Does.Contain("\r\nContent-Length: 25\r\n"));
            Assert.That(answer.Text, Does.EndWith("\r\n\r\nunsupported HTTP version\n"));
            Assert.That(answer.Closed, Is.True, "the server closes the connection after the 400");
            Assert.That(server.Requests, Is.Zero, "the application never sees the request");
        });
    }

    [Test]
    public async Task A_client_that_half_closes_after_an_unknown_version_still_gets_the_400()
    {
        // Kestrel's socket transport fires ConnectionClosed on the client's FIN, so neither the read nor the answer
        // may hang on it. The guard starts late here, as on a busy daemon, so the FIN is in before its first read.
        await using var server = await GuardedServer.StartAsync(guard: true, lateBy: TimeSpan.FromMilliseconds(50));

        var statuses = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            statuses.Add((await ExchangeAsync(server.Port, ["GET / HTTP/9.9\r\nHost: x\r\n\r\n"], shutdownSend: true)).Status);
        }

        Assert.That(statuses, Is.All.EqualTo(400));
    }

    [TestCase("GET / HTTP/2.0")]
    [TestCase("GET / http/1.1")]
    [TestCase("GET / HTTP/1.1 ")]
    [TestCase("GET / FOO")]
    public async Task Other_unknown_protocol_tokens_get_400(string line)
    {
        await using var server = await GuardedServer.StartAsync(guard: true);

        var answer = await ExchangeAsync(server.Port, [line + "\r\nHost: x\r\n\r\n"]);

        Assert.That(answer.Status, Is.EqualTo(400), answer.Text);
    }

    [Test]
    public async Task Without_the_guard_Kestrel_answers_505_which_is_why_it_exists()
    {
        await using var server = await GuardedServer.StartAsync(guard: false);

        var answer = await ExchangeAsync(server.Port, ["GET / HTTP/9.9\r\nHost: x\r\n\r\n"]);

        Assert.That(answer.Status, Is.EqualTo(505), answer.Text);
    }

    [Test]
    public async Task Pipelined_HTTP_1_1_requests_in_the_first_packet_reach_the_application_unchanged()
    {
        await using var server = await GuardedServer.StartAsync(guard: true);

        var answer = await ExchangeAsync(server.Port, [
            "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
            + "GET /c HTTP/1.0\r\nHost: x\r\n\r\n",
        ]);

        Assert.Multiple(() =>
        {
            Assert.That(Count(answer.Text, "HTTP/1.1 200 OK\r\n"), Is.EqualTo(3), answer.Text);
            Assert.That(answer.Text, Does.Contain("GET /a ").And.Contain("POST /b hello").And.Contain("GET /c "));
            Assert.That(answer.Text.IndexOf("GET /a ", StringComparison.Ordinal), Is.LessThan(answer.Text.IndexOf("POST /b", StringComparison.Ordinal)));
            Assert.That(server.Requests, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task A_keep_alive_connection_serves_several_requests_sent_one_after_another()
    {
        await using var server = await GuardedServer.StartAsync(guard: true);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        for (var i = 0; i < 3; i++)
        {
            Assert.That(await client.GetStringAsync(new Uri($"/n{i}", UriKind.Relative)), Is.EqualTo($"GET /n{i} "));
        }

        Assert.That(server.Connections, Is.EqualTo(1), "one connection, so the guard's one read did not disturb the later requests");
    }

    [Test]
    public async Task A_first_line_split_across_several_writes_is_judged_once_complete()
    {
        await using var server = await GuardedServer.StartAsync(guard: true);

        var good = await ExchangeAsync(server.Port, ["GE", "T /sp", "lit HT", "TP/1.1\r", "\nHost: x\r\nConnection: close\r\n\r\n"]);
        var bad = await ExchangeAsync(server.Port, ["GET / HT", "TP/9", ".9\r", "\nHost: x\r\n\r\n"]);

        Assert.Multiple(() =>
        {
            Assert.That(good.Status, Is.EqualTo(200), good.Text);
            Assert.That(good.Text, Does.Contain("GET /split "));
            Assert.That(bad.Status, Is.EqualTo(400), bad.Text);
        });
    }

    [Test]
    public async Task A_client_that_stalls_in_its_first_line_is_cut_off_by_the_headers_timeout()
    {
        await using var server = await GuardedServer.StartAsync(guard: true);
        var clock = Stopwatch.StartNew();

        var answer = await ExchangeAsync(server.Port, ["GET /slow HT"]);

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(408), answer.Text);
            Assert.That(answer.Closed, Is.True);
            Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(HeadersTimeout - TimeSpan.FromMilliseconds(50)));
            Assert.That(clock.Elapsed, Is.LessThan(HeadersTimeout * 4), "cut off by the guard's bound, not held");
        });
    }

    [Test]
    public async Task A_connection_that_sends_nothing_is_closed_without_an_answer_after_the_headers_timeout()
    {
        await using var server = await GuardedServer.StartAsync(guard: true);
        var clock = Stopwatch.StartNew();

        var answer = await ExchangeAsync(server.Port, []);

        Assert.Multiple(() =>
        {
            Assert.That(answer.Text, Is.Empty);
            Assert.That(answer.Closed, Is.True);
            Assert.That(clock.Elapsed, Is.LessThan(HeadersTimeout * 4));
        });
    }

    [Test]
    public async Task A_server_stopping_does_not_wait_for_a_first_line_the_guard_is_waiting_for()
    {
        // Kestrel asks open connections to close when the daemon stops; one still in the guard closes at once
        // instead of holding the shutdown until its headers timeout (30 s here).
        var server = await GuardedServer.StartAsync(guard: true, headersTimeout: TimeSpan.FromSeconds(30));
        using var idle = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await idle.ConnectAsync(IPAddress.Loopback, server.Port);
        await idle.SendAsync("GET / HT"u8.ToArray());
        await Task.Delay(100);
        var clock = Stopwatch.StartNew();

        await server.DisposeAsync();

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [TestCase(20_000, true)]
    [TestCase(20_000, false)]
    public async Task A_first_line_longer_than_Kestrels_limit_is_left_to_Kestrel(int length, bool withLineEnd)
    {
        await using var server = await GuardedServer.StartAsync(guard: true);
        var line = "GET /" + new string('a', length) + (withLineEnd ? " HTTP/9.9\r\nHost: x\r\n\r\n" : "");

        var answer = await ExchangeAsync(server.Port, [line]);

        // Kestrel's own answer to an over-long line (414), well before the headers timeout.
        Assert.That(answer.Status, Is.EqualTo(414), answer.Text);
    }

    private static IEnumerable<TestCaseData> LinesWithoutVersion()
    {
        yield return new TestCaseData("GET\r\n\r\n").SetName("A_line_without_a_version_is_left_to_Kestrels_own_400(GET)");
        yield return new TestCaseData("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n").SetName("A_line_without_a_version_is_left_to_Kestrels_own_400(TLS hello)");
    }

    [TestCaseSource(nameof(LinesWithoutVersion))]
    public async Task A_line_without_a_version_is_left_to_Kestrels_own_400(string request)
    {
        await using var server = await GuardedServer.StartAsync(guard: true);

        var answer = await ExchangeAsync(server.Port, [request]);

        Assert.That(answer.Status, Is.EqualTo(400), answer.Text);
    }

    [Test]
    public async Task A_client_that_hangs_up_mid_line_is_left_to_Kestrel()
    {
        await using var server = await GuardedServer.StartAsync(guard: true);
        var clock = Stopwatch.StartNew();

        var answer = await ExchangeAsync(server.Port, ["GET / HTTP/9"], shutdownSend: true);

        Assert.Multiple(() =>
        {
            Assert.That(answer.Closed, Is.True);
            Assert.That(answer.Status, Is.Not.InRange(500, 599), answer.Text);
            Assert.That(clock.Elapsed, Is.LessThan(HeadersTimeout), "not held until the timeout");
        });
    }

    [Test]
    public async Task The_HTTP_2_preface_is_left_to_Kestrel_which_tells_the_client_to_use_HTTP_1_1()
    {
        // The daemon's listeners keep Kestrel's default protocols (HTTP/1.1 and HTTP/2); without TLS Kestrel speaks
        // HTTP/1.1 and answers a prior-knowledge h2c client with an HTTP/2 GOAWAY HTTP_1_1_REQUIRED, which that
        // client understands (an HTTP/1.1 400 it could not parse), so the guard lets the preface through.
        await using var server = await GuardedServer.StartAsync(guard: true);

        var answer = await ExchangeAsync(server.Port, ["PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"]);

        var frame = Encoding.Latin1.GetBytes(answer.Text);
        Assert.That(frame, Has.Length.EqualTo(17), answer.Text);
        Assert.Multiple(() =>
        {
            Assert.That(frame[3], Is.EqualTo(0x7), "a GOAWAY frame");
            Assert.That(frame[16], Is.EqualTo(0xd), "HTTP_1_1_REQUIRED");
            Assert.That(answer.Closed, Is.True);
        });
    }

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Sends <paramref name="writes"/> 30 ms apart (and half-closes right after the last, if asked), then reads until the server closes (or <see cref="Patience"/>).</summary>
    private static async Task<Answer> ExchangeAsync(int port, IReadOnlyList<string> writes, bool shutdownSend = false)
    {
        using var bound = new CancellationTokenSource(Patience);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port, bound.Token);
        for (var i = 0; i < writes.Count; i++)
        {
            if (i > 0)
            {
                await Task.Delay(30, bound.Token);
            }

            await socket.SendAsync(Encoding.Latin1.GetBytes(writes[i]), bound.Token);
        }

        if (shutdownSend)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, bound.Token);
                if (read == 0)
                {
                    return new Answer(Encoding.Latin1.GetString(received.ToArray()), Closed: true);
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            return new Answer(Encoding.Latin1.GetString(received.ToArray()), Closed: true); // reset: closed as well
        }
        catch (OperationCanceledException)
        {
            return new Answer(Encoding.Latin1.GetString(received.ToArray()), Closed: false);
        }
    }

    private sealed record Answer(string Text, bool Closed)
    {
        public int Status => Text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(Text.AsSpan(9, 3), out var status) ? status : 0;
    }

    /// <summary>Kestrel on 127.0.0.1:0 (the daemon's protocols and limits, headers timeout shortened) that echoes method, path and body.</summary>
    private sealed class GuardedServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;
        private int _connections;

        private GuardedServer(WebApplication app) => _app = app;

        public int Port { get; private set; }

        public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

        public int Requests => Volatile.Read(ref _requests);

        public int Connections => Volatile.Read(ref _connections);

        public static async Task<GuardedServer> StartAsync(bool guard, TimeSpan lateBy = default, TimeSpan? headersTimeout = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            GuardedServer? server = null;
            builder.WebHost.UseKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Limits.RequestHeadersTimeout = headersTimeout ?? HeadersTimeout;
                kestrel.Listen(IPAddress.Loopback, 0, listen =>
                {
                    listen.Use(next => connection =>
                    {
                        Interlocked.Increment(ref server!._connections);
                        return next(connection);
                    });
                    if (lateBy > TimeSpan.Zero)
                    {
                        listen.Use(next => async connection =>
                        {
                            await Task.Delay(lateBy);
                            await next(connection);
                        });
                    }

                    if (guard)
                    {
                        listen.UseHttpVersionGuard();
                    }
                });
            });
            var app = builder.Build();
            server = new GuardedServer(app);
            app.Run(async context =>
            {
                Interlocked.Increment(ref server._requests);
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync(context.RequestAborted);
                await context.Response.WriteAsync($"{context.Request.Method} {context.Request.Path} {body}", context.RequestAborted);
            });
            await app.StartAsync();
            server.Port = new Uri(app.Urls.First()).Port;
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
