using System.Diagnostics;
using System.Net;
using System.Text;
using FaasD.Containerd.Tests.Integration.Support;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using FaasD.Tests.Daemon;
using NUnit.Framework;

namespace FaasD.Chaos.Tests.Support;

/// <summary>
/// A real `faasd up` on a containerd of its own (which the suite may kill) and a bridge and subnet of its own,
/// with <see cref="FunctionCount"/> busybox httpd functions. Nothing here touches the shared containerd.
/// </summary>
internal sealed class ChaosHost : IAsyncDisposable
{
    public const string Bridge = "faasdch0";
    public const string NetworkName = "faasd-chaos";
    public const string Subnet = "10.63.244.0/22";
    public const int FunctionCount = 10;

    private ChaosHost(PrivateContainerd containerd, DaemonProcess daemon, TestImage image)
    {
        Containerd = containerd;
        Daemon = daemon;
        Image = image;
    }

    public string Prefix { get; } = "ch" + TestEnvironment.UniqueSuffix()[..6];

    public PrivateContainerd Containerd { get; }

    public DaemonProcess Daemon { get; private set; }

    public TestImage Image { get; }

    public IReadOnlyList<string> Functions => [.. Enumerable.Range(0, FunctionCount).Select(i => $"{Prefix}-f{i}")];

    /// <summary>
    /// Starts containerd and the daemon. Image GC is off unless <paramref name="imageGc"/>: the chaos tests count
    /// what is left behind; when on, it measures the disk of the private containerd's root.
    /// </summary>
    public static async Task<ChaosHost> StartAsync(IReadOnlyList<string>? extraArgs = null, string? stateDir = null, bool imageGc = false)
    {
        TestEnvironment.RequireContainerd();
        await IptablesRules.RemoveUnownedChaosForwardAsync(Path.Combine("/var/run/cni", NetworkName));
        var image = await TestImages.BusyboxHttpdAsync();
        var containerd = await PrivateContainerd.StartAsync(CancellationToken.None);
        var daemon = new DaemonProcess(new DaemonProcessOptions
        {
            StateDir = stateDir,
            ContainerdSocket = containerd.SocketPath,
            NetworkName = NetworkName,
            Bridge = Bridge,
            Subnet = Subnet,
            ExtraArgs = imageGc
                ? [.. extraArgs ?? [], "--containerd-root", containerd.RootPath]
                : [.. extraArgs ?? [], "--image-gc", "false"],
        });
        var host = new ChaosHost(containerd, daemon, image);
        await daemon.StartAsync();
        return host;
    }

    public async Task DeployAllAsync()
    {
        using var api = Daemon.Client(TimeSpan.FromMinutes(2));
        foreach (var name in Functions)
        {
            using var response = await api.PostAsync("/system/functions", Json($$$"""{"service":"{{{name}}}","image":"{{{Image.Reference}}}","envVars":{"GEN":"1"}}"""));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>Every function answers 200 within <paramref name="within"/>; returns how long that took.</summary>
    public async Task<TimeSpan> AllServeAsync(TimeSpan within)
    {
        using var client = new HttpClient { BaseAddress = Daemon.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        foreach (var name in Functions)
        {
            while (true)
            {
                try
                {
                    using var response = await client.GetAsync($"/function/{name}");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        break;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }

                if (clock.Elapsed > within)
                {
                    Assert.Fail($"{name} did not serve within {within}; daemon output:\n{Tail(Daemon.Output)}");
                }

                await Task.Delay(100);
            }
        }

        return clock.Elapsed;
    }

    /// <summary>Restarts the daemon process on the same state (after a kill).</summary>
    public Task RestartDaemonAsync() => Daemon.StartAsync();

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static string Tail(string text, int lines = 40) => string.Join('\n', text.Split('\n').TakeLast(lines));

    /// <summary>Removes every function through the API (so containers, tasks, netns and IPs go the normal way), then the daemons.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Daemon.Pid is null)
            {
                await Daemon.StartAsync();
            }

            using var api = Daemon.Client(TimeSpan.FromMinutes(2));
            foreach (var name in Functions)
            {
                using var request = new HttpRequestMessage(HttpMethod.Delete, "/system/functions") { Content = Json($$"""{"functionName":"{{name}}"}""") };
                using var _ = await api.SendAsync(request);
            }
        }
        finally
        {
            await Daemon.DisposeAsync();
            await Containerd.DisposeAsync();
        }
    }
}
