using System.Net;
using System.Net.Sockets;
using System.Text;
using FaasD.Functions.Deployment;
using FaasD.Functions.Health;
using FaasD.Functions.Replicas;
using FaasD.Functions.Scaling;
using FaasD.Functions.Tests.Waking;
using FaasD.Functions.Waking;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Health;

/// <summary>Liveness against a real socket that answers a chosen status; time (initial delay) from a fake clock.</summary>
internal sealed class LivenessMonitorTests
{
    private TcpListener _listener = null!;
    private CancellationTokenSource _stop = null!;
    private volatile int _status = 200;

    [SetUp]
    public void Listen()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _stop = new CancellationTokenSource();
        _listener.Start();
        _ = AnswerAsync(_stop.Token);
    }

    [TearDown]
    public void StopListening()
    {
        _stop.Cancel();
        _stop.Dispose();
        _listener.Stop();
        _listener.Dispose();
    }

    private string Destination => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    [Test]
    public async Task A_replica_failing_three_probes_in_a_row_is_replaced_and_one_success_resets_the_count()
    {
        var (f, monitor, failed) = Build(initialDelay: "5s");
        var replica = f.Registry.Handles.Single().Replicas.Single();

        _status = 500;
        await monitor.ProbeAllAsync(CancellationToken.None);
        Assert.That(replica.FailedProbes, Is.Zero, "not probed before the initial delay");

        f.Time.Advance(TimeSpan.FromSeconds(5));
        await monitor.ProbeAllAsync(CancellationToken.None);
        await monitor.ProbeAllAsync(CancellationToken.None);
        _status = 204;
        await monitor.ProbeAllAsync(CancellationToken.None);
        Assert.That(replica.FailedProbes, Is.Zero);

        _status = 503;
        for (var i = 0; i < 3; i++)
        {
            await monitor.ProbeAllAsync(CancellationToken.None);
        }

        Assert.That(failed, Has.Count.EqualTo(1));
        Assert.That(failed[0], Does.StartWith("liveness probe /healthz failed 3 times, last: 503"));
        Assert.That(replica.State, Is.EqualTo(ReplicaState.Out));
    }

    [Test]
    public async Task A_function_without_the_annotation_is_not_probed()
    {
        var (f, monitor, failed) = Build(initialDelay: null, path: null);
        _status = 500;
        f.Time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 5; i++)
        {
            await monitor.ProbeAllAsync(CancellationToken.None);
        }

        Assert.That(failed, Is.Empty);
    }

    private (ScalingFixture Fixture, LivenessMonitor Monitor, List<string> Failed) Build(string? initialDelay, string? path = "/healthz")
    {
        var f = new ScalingFixture();
        f.Registry.TryAddReplicas(ScalingFixture.Key, LifecycleState.Running, [new ReplicaSeed("figlet", 0, Destination)],
            ScalingFixture.Idle(TimeSpan.FromMinutes(5)), out _);
        var annotations = new Dictionary<string, string>();
        if (path is not null)
        {
            annotations[HealthAnnotations.LivenessPath] = path;
        }

        if (initialDelay is not null)
        {
            annotations[HealthAnnotations.LivenessInitialDelay] = initialDelay;
        }

        var catalog = new FunctionCatalog();
        var deployment = new StoredDeployment { Name = "figlet", Namespace = "openfaas-fn", Image = "figlet", Annotations = annotations };
        catalog.Set(ScalingFixture.Key, new DeployedFunction(deployment, "figlet", DateTimeOffset.UnixEpoch));
        var failed = new List<string>();
        f.Registry.ReplicaFailed += (_, _, reason) => failed.Add(reason);
        var monitor = new LivenessMonitor(f.Registry, catalog, new LivenessOptions(), f.Time, NullLogger<LivenessMonitor>.Instance);
        return (f, monitor, failed);
    }

    private async Task AnswerAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(cancellationToken);
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            var stream = client.GetStream();
                            var buffer = new byte[4096];
                            if (await stream.ReadAsync(buffer, cancellationToken) > 0)
                            {
                                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {_status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), cancellationToken);
                            }
                        }
                        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
                        {
                        }
                    }
                }, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
