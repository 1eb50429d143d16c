using System.Net;
using System.Net.Http.Json;
using System.Text;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>One daemon for a test class, test images pushed to the loopback registry, and clean-up of every function it made.</summary>
internal abstract class DaemonFixture
{
    protected DaemonProcess Daemon { get; private set; } = null!;
    protected HttpClient Api { get; private set; } = null!;
    protected TestImage Httpd { get; private set; } = null!;
    protected TestImage SecretReader { get; private set; } = null!;
    protected string Prefix { get; } = "it" + TestEnvironment.UniqueSuffix()[..6];

    protected virtual IReadOnlyDictionary<string, string> DaemonEnvironment => new Dictionary<string, string>();

    [OneTimeSetUp]
    public async Task StartDaemon()
    {
        TestEnvironment.RequireContainerd();
        Httpd = await TestImages.BusyboxHttpdAsync();
        SecretReader = await TestImages.BuildAndPushAsync(
            "secret-reader",
            BusyboxHttpd.Contents()
                .AddFile("/www/cgi-bin/secret", SecretScript, ImageContents.ExecutableMode)
                .AddFile("/www/cgi-bin/log", LogScript, ImageContents.ExecutableMode)
                .AddFile("/www/cgi-bin/fetch", FetchScript, ImageContents.ExecutableMode)
                .AddFile("/etc/nsswitch.conf", "hosts: files dns\n"),
            BusyboxHttpd.Config);
        Daemon = new DaemonProcess(extraEnv: DaemonEnvironment);
        await PrepareStateDirectoryAsync(Daemon.StateDir);
        await Daemon.StartAsync();
        Api = Daemon.Client();
    }

    [OneTimeTearDown]
    public async Task StopDaemon()
    {
        if (Daemon is null)
        {
            return;
        }

        try
        {
            if (Daemon.Pid is null)
            {
                await Daemon.StartAsync();
                Api = Daemon.Client();
            }

            foreach (var ns in new[] { "openfaas-fn" })
            {
                var functions = await Api.GetFromJsonAsync<List<FunctionStatusDto>>($"/system/functions?namespace={ns}") ?? [];
                foreach (var f in functions.Where(f => f.Name.StartsWith(Prefix, StringComparison.Ordinal)))
                {
                    using var _ = await DeleteAsync(f.Name, ns);
                }
            }
        }
        finally
        {
            Api?.Dispose();
            await Daemon.DisposeAsync();
            await AfterDaemonStoppedAsync();
            Directory.Delete(Daemon.StateDir, recursive: true);
        }
    }

    protected string Name(string suffix) => $"{Prefix}-{suffix}";

    /// <summary>Clean-up of what outlives the daemon on purpose (compose services keep running across restarts).</summary>
    protected virtual Task AfterDaemonStoppedAsync() => Task.CompletedTask;

    /// <summary>Runs before the daemon first starts (e.g. to write a docker-compose.yaml).</summary>
    protected virtual Task PrepareStateDirectoryAsync(string stateDir) => Task.CompletedTask;

    protected async Task<HttpResponseMessage> DeployAsync(object body, bool update = false)
    {
        var json = JsonContent.Create(body);
        return await Api.SendAsync(new HttpRequestMessage(update ? HttpMethod.Put : HttpMethod.Post, "/system/functions") { Content = json });
    }

    /// <summary>What `faas-cli deploy` does: PUT, and POST when PUT says 404.</summary>
    protected async Task DeployLikeFaasCliAsync(object body)
    {
        using var put = await DeployAsync(body, update: true);
        if (put.StatusCode == HttpStatusCode.NotFound)
        {
            using var post = await DeployAsync(body);
            Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.OK), await post.Content.ReadAsStringAsync());
            return;
        }

        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
    }

    protected Task<HttpResponseMessage> DeleteAsync(string name, string? ns = null) =>
        Api.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/system/functions")
        {
            Content = new StringContent(ns is null ? $$"""{"functionName":"{{name}}"}""" : $$"""{"functionName":"{{name}}","namespace":"{{ns}}"}""", Encoding.UTF8, "application/json"),
        });

    protected async Task<string> InvokeAsync(string path, HttpMethod? method = null, string? body = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "text/plain");
        }

        using var plain = new HttpClient { BaseAddress = Daemon.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var response = await plain.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{path}: {text}");
        return text;
    }

    /// <summary>CGI stderr is httpd's stderr, which is the container's: what a function prints.</summary>
    private const string LogScript = """
        #!/bin/sh
        echo "function says $QUERY_STRING" >&2
        printf 'Content-Type: text/plain\r\n\r\n'
        echo logged

        """;

    /// <summary>Fetches http://&lt;query&gt;/ from inside the function: name resolution through the shared hosts file.</summary>
    private const string FetchScript = """
        #!/bin/sh
        printf 'Content-Type: text/plain\r\n\r\n'
        # (no -T: wget -T segfaults in Debian's busybox-static 1.35)
        wget -q -O - "http://$QUERY_STRING/" 2>&1

        """;

    private const string SecretScript = """
        #!/bin/sh
        printf 'Content-Type: text/plain\r\n\r\n'
        cat "/var/openfaas/secrets/$QUERY_STRING"

        """;
}

internal sealed record FunctionStatusDto(
    string Name,
    string Image,
    string? Namespace,
    string? EnvProcess,
    Dictionary<string, string>? EnvVars,
    Dictionary<string, string>? Labels,
    Dictionary<string, string>? Annotations,
    List<string>? Secrets,
    ulong Replicas,
    ulong AvailableReplicas,
    DateTimeOffset CreatedAt);
