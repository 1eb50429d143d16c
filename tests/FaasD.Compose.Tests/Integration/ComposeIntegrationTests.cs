using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FaasD.Compose.Running;
using FaasD.Runtime;
using FaasD.TestSupport;
using NUnit.Framework;
using TasksApi = FaasD.Containerd.Api.Tasks;

namespace FaasD.Compose.Tests.Integration;

/// <summary>
/// Services on the real containerd, CNI bridge and busybox images: start order, published ports, names,
/// restarts and data that survives re-creation. Each test has its own namespace, state directory and IPs.
/// </summary>
[Integration]
[NonParallelizable]
public sealed class ComposeIntegrationTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    [Test]
    public async Task ThreeServicesStartInDependencyOrderPublishAPortAndAreAdoptedOnTheNextStart()
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        await using var host = await ComposeTestHost.CreateAsync(timeout.Token);
        var port = FreePort();
        var options = host.Options(ThreeServices(host.Image, port));

        var first = host.Compose(options);
        var clock = Stopwatch.StartNew();
        await first.StartAsync(timeout.Token);
        var result = await first.Started.WaitAsync(timeout.Token);
        var allUp = clock.Elapsed;
        TestContext.Progress.WriteLine($"three services up in {allUp.TotalMilliseconds:F0} ms (compose reports {result.Elapsed.TotalMilliseconds:F0} ms)");

        var events = host.Runtime.Events.ToList();
        var hosts = await File.ReadAllTextAsync(Path.Combine(host.StateDirectory, "hosts"), timeout.Token);
        Assert.Multiple(() =>
        {
            Assert.That(result.AllUp, Is.True, string.Join(", ", result.Outcomes));
            Assert.That(result.Outcomes.Values, Is.All.EqualTo(ServiceStartOutcome.Created));
            Assert.That(events.IndexOf("running kv"), Is.LessThan(events.IndexOf("starting app")), string.Join(", ", events));
            Assert.That(events.IndexOf("running app"), Is.LessThan(events.IndexOf("starting web")), string.Join(", ", events));
            Assert.That(hosts, Does.Match(@"\n10\.\d+\.3\.\d+\tkv\n"));
            Assert.That(hosts, Does.Match(@"\n10\.\d+\.3\.\d+\tapp\n"));
            Assert.That(hosts, Does.Match(@"\n10\.\d+\.3\.\d+\tweb\n"));
            Assert.That(host.Logs.Followed.Select(f => (f.Namespace, f.Service)), Is.EquivalentTo(new[] { (host.Namespace, "kv"), (host.Namespace, "app"), (host.Namespace, "web") }));
        });
        Assert.That(await GetAsync(port, "/hello.txt", timeout.Token), Is.EqualTo("hello-from-kv\n"));

        await first.StopAsync(timeout.Token);
        await first.DisposeAsync();
        Assert.That((await host.Runtime.GetTaskAsync(host.Namespace, "kv", timeout.Token)).State, Is.EqualTo(TaskState.Running), "services outlive the daemon by default");

        var second = host.Compose(options);
        await second.StartAsync(timeout.Token);
        var again = await second.Started.WaitAsync(timeout.Token);
        Assert.That(again.Outcomes.Values, Is.All.EqualTo(ServiceStartOutcome.Adopted));
        Assert.That(await GetAsync(port, "/hello.txt", timeout.Token), Is.EqualTo("hello-from-kv\n"));
        await second.StopAsync(timeout.Token);
        await second.DisposeAsync();
    }

    [Test]
    public async Task KilledServiceWithRestartAlwaysComesBack()
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        await using var host = await ComposeTestHost.CreateAsync(timeout.Token);
        var port = FreePort();
        var compose = host.Compose(host.Options(ThreeServices(host.Image, port)));
        await compose.StartAsync(timeout.Token);
        Assert.That((await compose.Started.WaitAsync(timeout.Token)).AllUp, Is.True);
        var before = await host.Runtime.GetTaskAsync(host.Namespace, "kv", timeout.Token);

        await host.Scope.Tasks.KillAsync(new TasksApi.KillRequest { ContainerId = "kv", Signal = 9, All = true }, cancellationToken: timeout.Token);

        // Back when a new task runs and its address reached the hosts file (the last step of a restart).
        var hostsPath = Path.Combine(host.StateDirectory, "hosts");
        var after = await WaitForAsync(
            async () => await host.Runtime.GetTaskAsync(host.Namespace, "kv", timeout.Token),
            task => task.State == TaskState.Running && task.Pid != before.Pid && File.ReadAllText(hostsPath).Contains($"{task.Address}\tkv\n", StringComparison.Ordinal),
            timeout.Token);
        TestContext.Progress.WriteLine($"kv was {before.Address} (pid {before.Pid}), restarted as {after.Address} (pid {after.Pid})");
        Assert.Multiple(async () =>
        {
            Assert.That(await GetAsync(port, "/hello.txt", timeout.Token), Is.EqualTo("hello-from-kv\n"), "the port forwards to the restarted task");
            Assert.That(File.ReadAllLines(Path.Combine(host.StateDirectory, "kv-data", "boots")), Has.Length.EqualTo(2));
        });
        await compose.StopAsync(timeout.Token);
        await compose.DisposeAsync();
    }

    [Test]
    public async Task DataInABindMountSurvivesRecreatingTheService()
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        await using var host = await ComposeTestHost.CreateAsync(timeout.Token);
        var port = FreePort();
        var yaml = ThreeServices(host.Image, port);
        var first = host.Compose(host.Options(yaml));
        await first.StartAsync(timeout.Token);
        Assert.That((await first.Started.WaitAsync(timeout.Token)).AllUp, Is.True);
        await first.StopAsync(timeout.Token);
        await first.DisposeAsync();
        var dataFile = Path.Combine(host.StateDirectory, "kv-data", "boots");
        await WaitForAsync(() => Task.FromResult(File.Exists(dataFile) ? File.ReadAllLines(dataFile).Length : 0), lines => lines == 1, timeout.Token);

        var changed = yaml.Replace("    restart: always\n", "    restart: always\n    environment: [GENERATION=2]\n", StringComparison.Ordinal);
        var second = host.Compose(host.Options(changed));
        await second.StartAsync(timeout.Token);
        var result = await second.Started.WaitAsync(timeout.Token);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcomes["kv"], Is.EqualTo(ServiceStartOutcome.Recreated));
            Assert.That(result.Outcomes["app"], Is.EqualTo(ServiceStartOutcome.Adopted));
            Assert.That(result.Outcomes["web"], Is.EqualTo(ServiceStartOutcome.Adopted));
        });
        var lines = await WaitForAsync(() => Task.FromResult(File.ReadAllLines(dataFile)), l => l.Length >= 2, timeout.Token);
        Assert.That(lines, Is.EqualTo(new[] { "boot", "boot" }), "the re-created container appended to the data the old one wrote");
        await second.StopAsync(timeout.Token);
        await second.DisposeAsync();
    }

    [Test]
    public async Task AFunctionInAnotherNamespaceReachesAServiceByName()
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        await using var host = await ComposeTestHost.CreateAsync(timeout.Token);
        var compose = host.Compose(host.Options(ThreeServices(host.Image, FreePort())));
        await compose.StartAsync(timeout.Token);
        Assert.That((await compose.Started.WaitAsync(timeout.Token)).AllUp, Is.True);

        // Mounted the way the function platform mounts it: the daemon's hosts file as /etc/hosts, read-only.
        await host.Runtime.EnsureNamespaceAsync(host.FunctionNamespace, new Dictionary<string, string>(), timeout.Token);
        await host.Runtime.EnsureImageAsync(host.FunctionNamespace, host.Image, timeout.Token);
        await host.Runtime.CreateContainerAsync(
            new ContainerSpec
            {
                Namespace = host.FunctionNamespace,
                Id = "client",
                Image = host.Image,
                Args = ["sh", "-c", "wget -q -O - http://kv:8080/hello.txt && echo done"],
                Mounts = [new BindMount(Path.Combine(host.StateDirectory, "hosts"), "/etc/hosts", ReadOnly: true)],
            },
            timeout.Token);
        await host.Runtime.StartTaskAsync(host.FunctionNamespace, "client", timeout.Token);
        await WaitForAsync(() => host.Runtime.GetTaskAsync(host.FunctionNamespace, "client", timeout.Token), t => t.State == TaskState.Stopped, timeout.Token);

        var output = await File.ReadAllTextAsync(host.Runtime.LogPathFor(host.FunctionNamespace, "client"), timeout.Token);
        Assert.That(output, Is.EqualTo("hello-from-kv\ndone\n"));
        await compose.StopAsync(timeout.Token);
        await compose.DisposeAsync();
    }

    /// <summary>kv keeps a boot counter in its bind-mounted data and serves it; app and web depend on it in a chain.</summary>
    private static string ThreeServices(string image, int port) => $"""
        services:
          web:
            image: {image}
            depends_on:
              app:
                condition: service_started
          app:
            image: {image}
            depends_on: [kv]
            command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
          kv:
            image: {image}
            command: ["sh", "-c", "echo boot >> /data/boots; echo hello-from-kv > /data/hello.txt; exec httpd -f -p 8080 -h /data"]
            volumes: ["./kv-data:/data"]
            restart: always
            ports: ["127.0.0.1:{port}:8080"]

        """;

    private static async Task<string> GetAsync(int port, string path, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        // The service may still be binding its port right after its task started: retry briefly.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await http.GetStringAsync(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}{path}"), cancellationToken);
            }
            catch (HttpRequestException) when (attempt < 50)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, CancellationToken cancellationToken)
    {
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
