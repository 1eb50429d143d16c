using FaasD.Compose;
using FaasD.Configuration;
using FaasD.Functions;
using FaasD.Functions.Abstractions;
using FaasD.Gateway;
using FaasD.Hosting;
using FaasD.Invocation;
using FaasD.Runtime;
using FaasD.Runtime.Logs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace FaasD.Tests.Hosting;

/// <summary>
/// The daemon's wiring, layer by layer through their Add… methods: every service the host and the gateway need
/// resolves from it alone, with no step that ties two layers together after construction.
/// </summary>
public sealed class PlatformServicesTests
{
    private string _stateDir = null!;

    [SetUp]
    public void SetUp() => _stateDir = Directory.CreateTempSubdirectory("faasd-wiring-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_stateDir, recursive: true);

    [Test]
    public async Task Every_public_service_of_every_layer_resolves_from_the_daemon_wiring()
    {
        // As `faasd up` wires them: the platform, the gateway (whose in-process invoker the triggers and the queue
        // call) and the async queue.
        var settings = new DaemonSettings { StateDir = _stateDir };
        var services = new ServiceCollection()
            .AddLogging()
            .AddFaasDPlatform(settings)
            .AddFaasGateway(_ => { })
            .AddFaasDAsyncQueue(settings);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var hosted = provider.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<IFunctionPlatform>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<IFunctionRecovery>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<INamespaceStore>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<ISecretStore>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<ILogSource>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<IComposeServices>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<IContainerRuntime>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<ILogCapture>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<IContainerUsage>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<IFunctionUsage>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<FaasD.Invocation.IFunctionInvoker>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<FaasD.Invocation.IAsyncInvocationQueue>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<FaasD.Invocation.ITriggerCatalog>(), Is.Not.Null);
            Assert.That(provider.GetServices<IHostedService>().OfType<IdleMemoryTrim>().Single(), Is.SameAs(provider.GetRequiredService<IdleMemoryTrim>()), "start-up's trim and the idle checks share one state");
            Assert.That(hosted, Is.EquivalentTo(new[] { "NetnsPoolService", "ImageGarbageCollection", "Idler", "TaskExitWatcher", "ReplicaSupervisor", "Autoscaler", "LivenessMonitor", "ComposeShutdown", "IdleMemoryTrim", "CronScheduler", "TriggerReconciler", "EmbeddedQueue" }));
        });
    }

    [Test]
    public void Each_layer_is_registered_once()
    {
        var services = new ServiceCollection().AddLogging().AddFaasDPlatform(new DaemonSettings { StateDir = _stateDir });

        var duplicated = services
            .Where(d => d.ServiceType != typeof(IHostedService) && d.ServiceType.Namespace?.StartsWith("FaasD", StringComparison.Ordinal) == true)
            .GroupBy(d => d.ServiceType)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key.Name);
        Assert.That(duplicated, Is.Empty);
    }
}
