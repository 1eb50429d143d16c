using FaasD.Compose.Running;
using FaasD.Compose.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace FaasD.Compose.Tests;

public sealed class ComposeHostTests
{
    [Test]
    public async Task AnInvalidFileIsReportedAndNothingIsStarted()
    {
        using var state = new TempDirectory();
        await File.WriteAllTextAsync(state.Combine("docker-compose.yaml"), "services:\n  a:\n    image: x\n    depends_on: [b]\n");
        var runtime = new FakeContainerRuntime();
        var host = Create(state, runtime, stopOnShutdown: false);

        await host.StartAsync(CancellationToken.None);
        var result = await host.Started.WaitAsync(TimeSpan.FromSeconds(10));
        await host.StopAsync(CancellationToken.None);
        await host.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Message, Is.EqualTo("line 2: service a: depends on 'b', which is not a service in the file"));
            Assert.That(result.AllUp, Is.False);
            Assert.That(runtime.Calls, Is.Empty);
        });
    }

    [Test]
    public async Task NoFileStillWritesTheHostsFileForFunctions()
    {
        using var state = new TempDirectory();
        var host = Create(state, new FakeContainerRuntime(), stopOnShutdown: false);
        await host.StartAsync(CancellationToken.None);
        var result = await host.Started.WaitAsync(TimeSpan.FromSeconds(10));
        await host.StopAsync(CancellationToken.None);
        await host.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcomes, Is.Empty);
            Assert.That(File.ReadAllText(state.Combine("hosts")), Does.Contain("127.0.0.1\tlocalhost\n").And.Contains("\tgateway\n"));
        });
    }

    [TestCase(false, new string[0])]
    [TestCase(true, new[] { "app", "db" })]
    public async Task ServicesAreStoppedOnShutdownOnlyWhenConfigured(bool stopOnShutdown, string[] stopped)
    {
        using var state = new TempDirectory();
        await File.WriteAllTextAsync(state.Combine("docker-compose.yaml"), "services:\n  app:\n    image: a\n    depends_on: [db]\n  db:\n    image: d\n");
        var runtime = new FakeContainerRuntime();
        var host = Create(state, runtime, stopOnShutdown);
        await host.StartAsync(CancellationToken.None);
        var result = await host.Started.WaitAsync(TimeSpan.FromSeconds(10));

        await host.StopAsync(CancellationToken.None);
        await host.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcomes.Values, Is.All.EqualTo(ServiceStartOutcome.Created));
            Assert.That(runtime.CallsOf("stop"), Is.EqualTo(stopped));
        });
    }

    private static ComposeHost Create(TempDirectory state, FakeContainerRuntime runtime, bool stopOnShutdown) =>
        ComposeHostFactory.Create(
            new ComposeOptions { StateDirectory = state.Path, Namespace = "openfaas-test", StopServicesOnShutdown = stopOnShutdown },
            runtime,
            new RecordingServiceLogs(),
            TimeProvider.System,
            NullLoggerFactory.Instance);
}
