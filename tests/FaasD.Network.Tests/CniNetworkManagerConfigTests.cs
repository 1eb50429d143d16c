using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace FaasD.Network.Tests;

/// <summary>The conflist is read on every attach; a missing one means the built-in network, said once.</summary>
public sealed class CniNetworkManagerConfigTests
{
    [Test]
    public async Task A_missing_conflist_is_reported_once_and_again_only_after_it_was_back()
    {
        using var dir = new TempDirectory();
        var logger = new RecordingLogger();
        var path = Path.Combine(dir.Path, "10-openfaas.conflist");
        var manager = new CniNetworkManager(
            Options.Create(new NetworkOptions { ConfigListPath = path, StateDirectory = Path.Combine(dir.Path, "state") }), logger);

        for (var i = 0; i < 3; i++)
        {
            Assert.That((await manager.LoadNetworkAsync(CancellationToken.None)).Name, Is.EqualTo("openfaas-cni-bridge"), "the built-in network");
        }

        Assert.That(logger.Messages.Count(m => m.Contains("not found", StringComparison.Ordinal)), Is.EqualTo(1), "not once per deploy or pool refill");

        await File.WriteAllTextAsync(path, NetworkDefaults.ConfigList.Replace("openfaas-cni-bridge", "own-network", StringComparison.Ordinal));
        Assert.That((await manager.LoadNetworkAsync(CancellationToken.None)).Name, Is.EqualTo("own-network"));
        File.Delete(path);
        await manager.LoadNetworkAsync(CancellationToken.None);

        Assert.That(logger.Messages.Count(m => m.Contains("not found", StringComparison.Ordinal)), Is.EqualTo(2), "the file went missing again: news");
    }
}
