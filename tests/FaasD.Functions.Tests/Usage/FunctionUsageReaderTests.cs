using FaasD.Functions.Abstractions;
using FaasD.Functions.Deployment;
using FaasD.Functions.Scaling;
using FaasD.Functions.Usage;
using FaasD.Runtime;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Usage;

public sealed class FunctionUsageReaderTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FunctionCatalog _catalog = new();
    private readonly StubUsage _containers = new();

    [Test]
    public async Task Reads_the_current_container_and_turns_cpu_seconds_into_millicores()
    {
        Deploy("figlet", containerId: "figlet.g2");
        var reader = new FunctionUsageReader(_catalog, _containers, _time);

        _containers.Next = new ContainerUsage(CpuSeconds: 10, MemoryWorkingSetBytes: 4096);
        var first = await reader.GetUsageAsync("openfaas-fn", "figlet", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(4));
        _containers.Next = new ContainerUsage(CpuSeconds: 11, MemoryWorkingSetBytes: 8192);
        var second = await reader.GetUsageAsync("openfaas-fn", "figlet", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_containers.AskedFor, Is.EqualTo("openfaas-fn/figlet.g2"));
            Assert.That(first, Is.EqualTo(new FunctionUsage(10, 0, 4096)));
            // One CPU second over four wall seconds: a quarter of a core.
            Assert.That(second, Is.EqualTo(new FunctionUsage(11, 250, 8192)));
        }
    }

    [Test]
    public async Task Readings_closer_than_a_second_keep_the_last_rate()
    {
        Deploy("figlet", containerId: "figlet");
        var reader = new FunctionUsageReader(_catalog, _containers, _time);
        _containers.Next = new ContainerUsage(0, 1);
        await reader.GetUsageAsync("openfaas-fn", "figlet", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(2));
        _containers.Next = new ContainerUsage(1, 1);
        await reader.GetUsageAsync("openfaas-fn", "figlet", CancellationToken.None);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        _containers.Next = new ContainerUsage(1.05, 1);
        var burst = await reader.GetUsageAsync("openfaas-fn", "figlet", CancellationToken.None);

        Assert.That(burst!.CpuMillicores, Is.EqualTo(500));
    }

    [Test]
    public async Task Unknown_function_or_no_task_has_no_usage()
    {
        Deploy("figlet", containerId: "figlet");
        var reader = new FunctionUsageReader(_catalog, _containers, _time);
        _containers.Next = null;

        Assert.That(await reader.GetUsageAsync("openfaas-fn", "nope", CancellationToken.None), Is.Null);
        Assert.That(await reader.GetUsageAsync("openfaas-fn", "figlet", CancellationToken.None), Is.Null);
    }

    private void Deploy(string name, string containerId)
    {
        var spec = new FunctionSpec { Name = name, Namespace = "openfaas-fn", Image = "img" };
        _catalog.Set(new FunctionKey("openfaas-fn", name), new DeployedFunction(StoredDeployment.From(spec, 1), containerId, DateTimeOffset.UnixEpoch));
    }

    private sealed class StubUsage : IContainerUsage
    {
        public ContainerUsage? Next { get; set; }

        public string? AskedFor { get; private set; }

        public Task<ContainerUsage?> GetUsageAsync(string @namespace, string id, CancellationToken cancellationToken)
        {
            AskedFor = $"{@namespace}/{id}";
            return Task.FromResult(Next);
        }
    }
}
