using FaasD.Containerd;
using FaasD.Images;
using FaasD.Network;
using FaasD.Runtime.Lifecycle;
using FaasD.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using ContainersApi = FaasD.Containerd.Api.Containers;
using TasksApi = FaasD.Containerd.Api.Tasks;

namespace FaasD.Runtime.Tests.Lifecycle;

/// <summary>
/// ReleaseOrphanedNetworksAsync on the real containerd and CNI: an attachment whose container was deleted behind
/// FaasD's back (what a crash or a failed removal left) is released once old enough; a live container's stays.
/// </summary>
[Integration]
public sealed class OrphanedNetworkTests
{
    [Test]
    public async Task The_network_of_a_deleted_container_is_released_once_old_enough_and_a_live_ones_is_kept()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var host = RuntimeTestHost.Create();
        await host.PullTestImageAsync(ct);
        foreach (var id in new[] { "lost", "live" })
        {
            await host.Runtime.CreateContainerAsync(host.SpecFor(id), ct);
        }

        var lost = await host.Runtime.StartTaskAsync(host.Namespace, "lost", ct);
        await host.Runtime.StartTaskAsync(host.Namespace, "live", ct);
        await host.Scope.Tasks.KillAsync(new TasksApi.KillRequest { ContainerId = "lost", Signal = 9, All = true }, cancellationToken: ct);
        await host.Scope.Tasks.WaitAsync(new TasksApi.WaitRequest { ContainerId = "lost" }, cancellationToken: ct);
        await host.Scope.Tasks.DeleteAsync(new TasksApi.DeleteTaskRequest { ContainerId = "lost" }, cancellationToken: ct);
        await host.Scope.Containers.DeleteAsync(new ContainersApi.DeleteContainerRequest { Id = "lost" }, cancellationToken: ct);

        var young = await host.Runtime.ReleaseOrphanedNetworksAsync(host.Namespace, [], TimeSpan.FromMinutes(1), ct);
        var recordOfLost = RecordPath(host, "lost");
        Assert.That(young, Is.Empty, "an attachment written moments ago may belong to a deploy in progress");
        Assert.That(File.Exists(recordOfLost), Is.True);

        foreach (var id in new[] { "lost", "live" })
        {
            File.SetLastWriteTimeUtc(RecordPath(host, id), DateTime.UtcNow - TimeSpan.FromMinutes(5));
        }

        var released = await host.Runtime.ReleaseOrphanedNetworksAsync(host.Namespace, [], TimeSpan.FromMinutes(1), ct);
        var live = await host.Runtime.GetTaskAsync(host.Namespace, "live", ct);
        Assert.Multiple(async () =>
        {
            Assert.That(released, Is.EqualTo(new[] { "lost" }));
            Assert.That(File.Exists(recordOfLost), Is.False, "its record");
            Assert.That(File.Exists(host.NetnsPathOf("lost")), Is.False, "its netns");
            Assert.That(File.Exists(Path.Combine(host.IpamDirectory, host.NetworkName, lost.Address!.ToString())), Is.False, "its IP lease");
            Assert.That(File.Exists(RecordPath(host, "live")), Is.True, "the live container keeps its attachment");
            Assert.That(await FunctionHttp.WaitForAnswerAsync(live.Address!, TimeSpan.FromSeconds(10), ct), Is.EqualTo(FaasD.TestSupport.Images.BusyboxHttpd.IndexText));
        });
    }

    [Test]
    public async Task An_unreadable_CNI_config_releases_nothing_and_does_not_stop_the_start()
    {
        var stateDir = Directory.CreateTempSubdirectory("faasd-orphans-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(stateDir, "openfaas-fn.gone.json"), "{}");
            File.SetLastWriteTimeUtc(Path.Combine(stateDir, "openfaas-fn.gone.json"), DateTime.UtcNow - TimeSpan.FromHours(1));
            await using var layers = new ServiceCollection()
                .AddContainerdClient(TestEnvironment.ContainerdSocket)
                .AddContainerNetwork(o =>
                {
                    o.ConfigListJson = "{ not json";
                    o.StateDirectory = stateDir;
                })
                .AddImageService()
                .BuildServiceProvider();
            var runtime = new ContainerRuntime(layers.GetRequiredService<ContainerdClient>(), layers.GetRequiredService<INetworkManager>(), layers.GetRequiredService<IImageService>(),
                Microsoft.Extensions.Options.Options.Create(new RuntimeOptions()), NullLoggerFactory.Instance);

            var released = await runtime.ReleaseOrphanedNetworksAsync("openfaas-fn", [], TimeSpan.FromMinutes(1), CancellationToken.None);

            Assert.That(released, Is.Empty);
            Assert.That(File.Exists(Path.Combine(stateDir, "openfaas-fn.gone.json")), Is.True, "the record is left for a start that can read the config");
        }
        finally
        {
            Directory.Delete(stateDir, recursive: true);
        }
    }

    private static string RecordPath(RuntimeTestHost host, string id) =>
        Path.Combine(Path.GetDirectoryName(host.IpamDirectory)!, "network", host.NetworkIdOf(id) + ".json");
}
