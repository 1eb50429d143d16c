using System.Net.Http.Json;
using FaasD.Containerd;
using FaasD.Containerd.Api.Containers;
using FaasD.TestSupport;
using Google.Protobuf.WellKnownTypes;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>
/// A removal cut short (the daemon killed after it marked the function's container, or containerd not letting go of
/// a task) is finished by the next start of a real daemon on the real containerd, not undone.
/// </summary>
[Integration]
[NonParallelizable]
internal sealed class RemovalRecoveryTests : DaemonFixture
{
    [Test]
    public async Task A_function_whose_removal_was_cut_short_is_removed_at_the_next_start_not_brought_back()
    {
        var cut = Name("cut");
        var kept = Name("kept");
        await DeployLikeFaasCliAsync(new { service = cut, image = Httpd.Reference });
        await DeployLikeFaasCliAsync(new { service = kept, image = Httpd.Reference });
        await InvokeAsync($"/function/{cut}/");

        // What a removal writes before it stops anything; then the daemon dies before it gets further.
        using var containerd = new ContainerdClient(new ContainerdClientOptions { SocketPath = Daemon.ContainerdSocket });
        var fn = containerd.Namespace("openfaas-fn");
        await fn.Containers.UpdateAsync(new UpdateContainerRequest
        {
            Container = new Container { Id = cut, Labels = { ["io.faasd.removing"] = "true" } },
            UpdateMask = new FieldMask { Paths = { "labels.io.faasd.removing" } },
        });
        await Daemon.KillAsync();
        await Daemon.StartAsync();

        using var api = Daemon.Client();
        var names = (await api.GetFromJsonAsync<List<FunctionStatusDto>>("/system/functions?namespace=openfaas-fn") ?? []).Select(f => f.Name).ToList();
        var containers = (await fn.Containers.ListAsync(new ListContainersRequest())).Containers.Select(c => c.Id).ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(names, Does.Not.Contain(cut), "the removed function is not adopted again");
            Assert.That(names, Does.Contain(kept));
            Assert.That(containers, Does.Not.Contain(cut), "its container is deleted");
            Assert.That(Daemon.Output, Does.Contain($"openfaas-fn/{cut}: its function's removal was cut short"));
            Assert.That(await InvokeAsync($"/function/{kept}/"), Is.EqualTo(BusyboxHttpdText()));
        });
    }

    private static string BusyboxHttpdText() => FaasD.TestSupport.Images.BusyboxHttpd.IndexText;
}
