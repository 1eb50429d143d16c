using System.Net;
using System.Net.Sockets;
using FaasD.Containerd;
using FaasD.Images;
using FaasD.Network;
using FaasD.Runtime;
using FaasD.Runtime.Lifecycle;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>
/// The repository's own docker-compose.yaml, installed the way <c>install.sh --with-services</c> does, brings nats
/// (JetStream) up under the daemon, and the daemon's async queue runs on it. A <c>.env</c> beside the file points it
/// at a locally built image (Debian's nats-server) and a free port: the file itself is used unchanged.
/// </summary>
[Integration]
[NonParallelizable]
internal sealed class CompanionServicesTests : DaemonFixture
{
    private const string ServicesNamespace = "openfaas";
    private const string NatsService = "nats";
    private readonly int _natsPort = FreePort();

    protected override IReadOnlyDictionary<string, string> DaemonEnvironment => new Dictionary<string, string>
    {
        ["FAASD_QUEUE"] = $"nats://127.0.0.1:{_natsPort}",
        ["FAASD_STOP_SERVICES_ON_SHUTDOWN"] = "true",
    };

    protected override async Task PrepareStateDirectoryAsync(string stateDir)
    {
        if (!File.Exists(NatsServerProcess.Binary))
        {
            Assert.Ignore($"{NatsServerProcess.Binary} is not installed (apt-get install nats-server)");
        }

        await using (var runtime = new ServiceRuntime(Path.Combine(stateDir, "cni", "10-openfaas.conflist")))
        {
            if ((await runtime.Runtime.ListContainersAsync(ServicesNamespace, CancellationToken.None)).Any(c => c.Id == NatsService))
            {
                Assert.Ignore("a compose service named nats already runs on this containerd; not touching it");
            }
        }

        var contents = await new ImageContents().AddBinaryWithLibrariesAsync(NatsServerProcess.Binary, "/nats-server");
        var image = await TestImages.BuildAndPushAsync("nats-server", contents, new TestImageConfig { Entrypoint = ["/nats-server"], ExposedPorts = ["4222/tcp"] });
        File.Copy(Path.Combine(RepositoryRoot(), "docker-compose.yaml"), Path.Combine(stateDir, "docker-compose.yaml"));
        await File.WriteAllTextAsync(Path.Combine(stateDir, ".env"), $"FAASD_NATS_IMAGE={image.Reference}\nFAASD_NATS_PORT={_natsPort}\n");
    }

    /// <summary>The nats service outlives the daemon by design; the test removes the one it started.</summary>
    protected override async Task AfterDaemonStoppedAsync()
    {
        await using var runtime = new ServiceRuntime(Path.Combine(Daemon.CniDir, "10-openfaas.conflist"));
        if ((await runtime.Runtime.ListContainersAsync(ServicesNamespace, CancellationToken.None)).Any(c => c.Id == NatsService))
        {
            await runtime.Runtime.StopTaskAsync(ServicesNamespace, NatsService, TimeSpan.FromSeconds(1), CancellationToken.None);
            await runtime.Runtime.DeleteContainerAsync(ServicesNamespace, NatsService, CancellationToken.None);
        }
    }

    [Test]
    public async Task The_top_level_compose_file_brings_jetstream_up_and_async_calls_run_on_it()
    {
        var info = await ReadNatsInfoAsync();
        Assert.That(info, Does.StartWith("INFO "), Daemon.Output);
        Assert.That(info, Does.Contain("\"jetstream\":true"));

        var name = Name("viacompose");
        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference });
        await using var callbacks = await CallbackReceiver.StartAsync();
        using var plain = new HttpClient { BaseAddress = Daemon.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/async-function/{name}/cgi-bin/echo?compose") { Content = new StringContent("x") };
        request.Headers.Add("X-Callback-Url", callbacks.Url.ToString());

        // The daemon connects to the service once it is up (it retries in the background): 503 until then.
        HttpStatusCode status = 0;
        string callId = "";
        for (var i = 0; i < 60 && status != HttpStatusCode.Accepted; i++)
        {
            using var copy = new HttpRequestMessage(HttpMethod.Post, request.RequestUri) { Content = new StringContent("x") };
            copy.Headers.Add("X-Callback-Url", callbacks.Url.ToString());
            using var response = await plain.SendAsync(copy);
            status = response.StatusCode;
            callId = response.Headers.TryGetValues("X-Call-Id", out var ids) ? ids.Single() : "";
            if (status != HttpStatusCode.Accepted)
            {
                await Task.Delay(500);
            }
        }

        Assert.That(status, Is.EqualTo(HttpStatusCode.Accepted));
        var callback = await callbacks.WaitForAsync(callId, TimeSpan.FromSeconds(60));
        Assert.That(callback.Header("X-Function-Status"), Is.EqualTo("200"));
        Assert.That(callback.Body, Does.Contain("query: compose"));
        Assert.That(Directory.Exists(Path.Combine(Daemon.StateDir, "nats", "jetstream")), Is.True, "the JetStream store is under the state directory");
    }

    /// <summary>The greeting nats sends on connect, through the published port (retried while the service starts).</summary>
    private async Task<string?> ReadNatsInfoAsync()
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, _natsPort);
                using var reader = new StreamReader(tcp.GetStream());
                if (await reader.ReadLineAsync() is { } line)
                {
                    return line;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
            }

            await Task.Delay(500);
        }

        return null;
    }

    private static string RepositoryRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "FaasD.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new AssertionException("repository root not found");
        }

        return dir;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The daemon's own runtime code, wired through the layers' Add… methods, to look at and remove the compose service container.</summary>
    private sealed class ServiceRuntime : IAsyncDisposable
    {
        private readonly ServiceProvider _services;

        public ServiceRuntime(string conflist)
        {
            _services = new ServiceCollection()
                .AddLogging()
                .AddContainerdClient(TestEnvironment.ContainerdSocket)
                .AddContainerNetwork(o => o.ConfigListPath = conflist)
                .AddImageService()
                .AddContainerRuntime()
                .BuildServiceProvider();
            Runtime = _services.GetRequiredService<IContainerRuntime>();
        }

        public IContainerRuntime Runtime { get; }

        public ValueTask DisposeAsync() => _services.DisposeAsync();
    }
}
