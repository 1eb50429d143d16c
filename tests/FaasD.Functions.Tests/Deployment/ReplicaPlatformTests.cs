using FaasD.Functions.Abstractions;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Deployment;

/// <summary>Replica work on the fake runtime: min at deploy, scale within [min, max], rolling update, removal, recovery.</summary>
public class ReplicaPlatformTests
{
    private PlatformFixture _f = null!;

    [SetUp]
    public void SetUp() => _f = new PlatformFixture();

    [TearDown]
    public async Task TearDown() => await _f.DisposeAsync();

    private static FunctionSpec Spec(string min, string? max = null) => PlatformFixture.Spec("echo") with
    {
        Labels = max is null
            ? new Dictionary<string, string> { ["com.openfaas.scale.min"] = min }
            : new Dictionary<string, string> { ["com.openfaas.scale.min"] = min, ["com.openfaas.scale.max"] = max },
    };

    [Test]
    public async Task Deploy_starts_min_replicas_each_in_its_own_container()
    {
        await _f.Platform.DeployAsync(Spec("3"), CancellationToken.None);

        Assert.That(_f.Runtime.ContainerIds, Is.EqualTo(new[] { "echo", "echo.r1", "echo.r2" }));
        var info = await _f.Platform.GetAsync("openfaas-fn", "echo", CancellationToken.None);
        Assert.That((info!.Replicas, info.AvailableReplicas), Is.EqualTo((3, 3)));
        Assert.That(_f.Catalog.TryGet(new("openfaas-fn", "echo"), out var function), Is.True);
        Assert.That(function.ReplicaIds, Is.EquivalentTo(new[] { "echo", "echo.r1", "echo.r2" }));
    }

    [Test]
    public async Task Scale_keeps_the_count_within_min_and_max()
    {
        await _f.Platform.DeployAsync(Spec("2", "4"), CancellationToken.None);

        await _f.Platform.ScaleAsync("openfaas-fn", "echo", 10, CancellationToken.None);
        Assert.That(_f.Runtime.ContainerIds, Has.Count.EqualTo(4));
        await _f.Platform.ScaleAsync("openfaas-fn", "echo", 1, CancellationToken.None);
        Assert.That(_f.Runtime.ContainerIds, Is.EqualTo(new[] { "echo", "echo.r1" }), "the highest numbers go first, never below min");
        var info = await _f.Platform.GetAsync("openfaas-fn", "echo", CancellationToken.None);
        Assert.That((info!.Replicas, info.AvailableReplicas), Is.EqualTo((2, 2)));
    }

    [Test]
    public async Task Scale_to_zero_freezes_every_replica()
    {
        await _f.Platform.DeployAsync(Spec("2"), CancellationToken.None);
        await _f.Platform.ScaleAsync("openfaas-fn", "echo", 0, CancellationToken.None);

        Assert.That(_f.Runtime.Calls, Does.Contain("pause echo").And.Contain("pause echo.r1"));
        Assert.That((await _f.Platform.GetAsync("openfaas-fn", "echo", CancellationToken.None))!.AvailableReplicas, Is.Zero);
    }

    [Test]
    public async Task Update_rolls_replica_by_replica()
    {
        await _f.Platform.DeployAsync(Spec("2", "2"), CancellationToken.None);
        while (_f.Runtime.Calls.TryDequeue(out _))
        {
        }

        await _f.Platform.UpdateAsync(Spec("2", "2"), CancellationToken.None);

        var calls = _f.Runtime.Calls.Where(c => !c.StartsWith("pull", StringComparison.Ordinal) && !c.StartsWith("get", StringComparison.Ordinal)).ToList();
        Assert.That(calls.IndexOf("start echo.g2"), Is.LessThan(calls.IndexOf("stop echo")), "new replica 0 serves before old replica 0 stops");
        Assert.That(calls.IndexOf("stop echo"), Is.LessThan(calls.IndexOf("start echo.g2.r1")), "one replica at a time");
        Assert.That(_f.Runtime.ContainerIds, Is.EqualTo(new[] { "echo.g2", "echo.g2.r1" }));
    }

    [Test]
    public async Task Remove_removes_every_replica()
    {
        await _f.Platform.DeployAsync(Spec("3"), CancellationToken.None);
        await _f.Platform.RemoveAsync("openfaas-fn", "echo", CancellationToken.None);
        Assert.That(_f.Runtime.ContainerIds, Is.Empty);
    }

    [Test]
    public async Task Recovery_adopts_every_replica()
    {
        await _f.Platform.DeployAsync(Spec("3"), CancellationToken.None);
        var summary = await _f.RestartAsync();

        Assert.That(summary.Adopted, Is.EqualTo(1));
        var info = await _f.Platform.GetAsync("openfaas-fn", "echo", CancellationToken.None);
        Assert.That((info!.Replicas, info.AvailableReplicas), Is.EqualTo((3, 3)));
    }

    [Test]
    public void Bad_scaling_labels_are_refused_before_anything_is_created()
    {
        var ex = Assert.ThrowsAsync<FunctionPlatformException>(() => _f.Platform.DeployAsync(Spec("0"), CancellationToken.None));
        Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.Invalid));
        Assert.That(_f.Runtime.ContainerIds, Is.Empty);
    }
}
