using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FaasD.Functions.Abstractions;
using FaasD.Gateway.Tests.Fakes;
using FaasD.Invocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Invoke;

/// <summary><c>/async-function/</c> and <c>/system/queue</c> over a fake queue: what is accepted, what is refused and why.</summary>
internal sealed class AsyncFunctionEndpointTests
{
    private const string Password = "pw";
    private readonly FakeQueue _queue = new();
    private readonly FakeFunctionPlatform _platform = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<IFunctionPlatform>(_platform);
        builder.Services.AddSingleton<ISecretStore>(new FakeSecretStore());
        builder.Services.AddSingleton<INamespaceStore>(new FakeNamespaceStore());
        builder.Services.AddSingleton<ILogSource>(new FakeLogSource());
        builder.Services.AddSingleton<IAsyncInvocationQueue>(_queue);
        builder.Services.AddFaasGateway(o =>
        {
            o.BasicAuthUser = "admin";
            o.BasicAuthPassword = Password;
            o.MaxAsyncRequestBodySize = 1000;
        });
        _app = builder.Build();
        _app.MapFaasGateway();
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [SetUp]
    public void Reset()
    {
        _platform.Reset();
        _platform.Add("fn");
        _platform.Add("other", "team");
        _queue.Received.Clear();
        _queue.Result = new EnqueueResult(EnqueueStatus.Accepted);
    }

    [Test]
    public async Task An_accepted_call_is_202_with_empty_body_call_id_and_start_time_and_keeps_path_query_and_headers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/async-function/other.team/a/b%2Fc?x=1&y=2") { Content = new StringContent("hello", Encoding.UTF8, "text/plain") };
        request.Headers.Add("X-Call-Id", "mine");
        request.Headers.Add("X-Callback-Url", "http://127.0.0.1:9999/cb");
        request.Headers.Add("X-Custom", "v");
        using var response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.Empty);
        Assert.That(response.Headers.GetValues("X-Call-Id").Single(), Is.EqualTo("mine"));
        var startTime = response.Headers.GetValues("X-Start-Time").Single();
        Assert.That(response.Headers.GetValues("X-Served-By").Single(), Does.StartWith("faasd/"));

        var call = _queue.Received.Single();
        Assert.That(call.CallId, Is.EqualTo("mine"));
        Assert.That(call.CallbackUrl, Is.EqualTo(new Uri("http://127.0.0.1:9999/cb")));
        Assert.That((call.Request.Namespace, call.Request.Name, call.Request.Path, call.Request.Query), Is.EqualTo(("team", "other", "/a/b%2Fc", "x=1&y=2")));
        Assert.That(Encoding.UTF8.GetString(call.Request.Body.Span), Is.EqualTo("hello"));
        Assert.That(call.Request.Headers, Does.Contain(new KeyValuePair<string, string>("X-Custom", "v")));
        Assert.That(call.Request.Headers, Does.Contain(new KeyValuePair<string, string>("X-Start-Time", startTime)));
        Assert.That(call.Request.Headers.Count(h => h.Key == "X-Call-Id"), Is.EqualTo(1));
    }

    [Test]
    public async Task Without_a_call_id_one_is_made_and_sent_to_the_function_too()
    {
        using var response = await _client.PostAsync("/async-function/fn", new StringContent(""));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var id = response.Headers.GetValues("X-Call-Id").Single();
        Assert.That(Guid.TryParse(id, out _), Is.True);
        Assert.That(_queue.Received.Single().Request.Headers, Does.Contain(new KeyValuePair<string, string>("X-Call-Id", id)));
        Assert.That(_queue.Received.Single().Request.Path, Is.EqualTo("/"));
    }

    [TestCase("not a url")]
    [TestCase("/relative/path")]
    [TestCase("ftp://example.com/x")]
    public async Task A_bad_callback_url_is_400_with_the_reason(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/async-function/fn") { Content = new StringContent("") };
        request.Headers.TryAddWithoutValidation("X-Callback-Url", url);
        using var response = await _client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith("invalid X-Callback-Url"));
        Assert.That(_queue.Received, Is.Empty);
    }

    [Test]
    public async Task An_unknown_function_is_404_at_once()
    {
        using var response = await _client.PostAsync("/async-function/nope", new StringContent(""));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("error finding function nope.openfaas-fn: not found\n"));
        Assert.That(_queue.Received, Is.Empty);
    }

    [Test]
    public async Task A_body_over_the_limit_is_413_with_or_without_content_length()
    {
        using var sized = await _client.PostAsync("/async-function/fn", new ByteArrayContent(new byte[1001]));
        Assert.That(sized.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));

        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/async-function/fn") { Content = new StreamContent(new MemoryStream(new byte[5000])) };
        chunked.Headers.TransferEncodingChunked = true;
        using var streamed = await _client.SendAsync(chunked);
        Assert.That(streamed.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));

        using var fits = await _client.PostAsync("/async-function/fn", new ByteArrayContent(new byte[1000]));
        Assert.That(fits.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
    }

    [TestCase(EnqueueStatus.Full, HttpStatusCode.TooManyRequests)]
    [TestCase(EnqueueStatus.Unavailable, HttpStatusCode.ServiceUnavailable)]
    public async Task A_queue_that_refuses_gives_its_status_and_reason(EnqueueStatus status, HttpStatusCode expected)
    {
        _queue.Result = new EnqueueResult(status, "because");
        using var response = await _client.PostAsync("/async-function/fn", new StringContent(""));
        Assert.That(response.StatusCode, Is.EqualTo(expected));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("because\n"));
    }

    [Test]
    public async Task Only_post_is_accepted()
    {
        using var response = await _client.GetAsync("/async-function/fn");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }

    [Test]
    public async Task The_queue_depth_needs_basic_auth_and_is_json_per_function()
    {
        _queue.Depths = [new QueueDepth("openfaas-fn", "fn", 3, 1)];
        using var anonymous = await _client.GetAsync("/system/queue");
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/system/queue");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + Password)));
        using var response = await _client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var row = json.RootElement.EnumerateArray().Single();
        Assert.That(row.GetProperty("name").GetString(), Is.EqualTo("fn"));
        Assert.That(row.GetProperty("namespace").GetString(), Is.EqualTo("openfaas-fn"));
        Assert.That(row.GetProperty("queued").GetInt64(), Is.EqualTo(3));
        Assert.That(row.GetProperty("running").GetInt64(), Is.EqualTo(1));
    }

    private sealed class FakeQueue : IAsyncInvocationQueue
    {
        public List<AsyncInvocation> Received { get; } = [];

        public EnqueueResult Result { get; set; }

        public IReadOnlyList<QueueDepth> Depths { get; set; } = [];

        public Task<EnqueueResult> EnqueueAsync(AsyncInvocation invocation, CancellationToken cancellationToken)
        {
            if (Result.Status == EnqueueStatus.Accepted)
            {
                Received.Add(invocation);
            }

            return Task.FromResult(Result);
        }

        public Task<IReadOnlyList<QueueDepth>> DepthAsync(CancellationToken cancellationToken) => Task.FromResult(Depths);
    }
}
