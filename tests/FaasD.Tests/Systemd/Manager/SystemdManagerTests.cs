using FaasD.Systemd.Manager;
using FaasD.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using Tmds.DBus.Protocol;

namespace FaasD.Tests.Systemd.Manager;

/// <summary>
/// <see cref="SystemdManager"/> over Tmds.DBus.Protocol against a real (private) dbus-daemon, with
/// <see cref="FakeSystemdService"/> owning systemd's bus name: the calls, typed replies, error names and the
/// JobRemoved wait go through the same bus machinery as on a host.
/// </summary>
[Integration]
public sealed class SystemdManagerTests
{
    private PrivateDBusDaemon _daemon = null!;
    private FakeSystemdService _systemd = null!;

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    [SetUp]
    public async Task SetUp()
    {
        _daemon = await PrivateDBusDaemon.StartAsync(Timeout);
        _systemd = await FakeSystemdService.StartAsync(_daemon.SocketPath);
        _systemd.Units["containerd.service"] = "inactive";
        _systemd.Units["faasd.service"] = "inactive";
    }

    [TearDown]
    public async Task TearDown()
    {
        _systemd.Dispose();
        await _daemon.DisposeAsync();
    }

    [Test]
    public async Task ReloadEnableStartAndWaitReadTypedReplies()
    {
        await using var manager = await ConnectAsync();

        await manager.ReloadAsync(Timeout);
        var changes = await manager.EnableUnitFilesAsync(["containerd.service", "faasd.service"], runtime: false, force: true, Timeout);
        var job = await manager.StartUnitAsync("faasd.service", "replace", Timeout);
        var result = await manager.WaitForJobAsync(job, TimeSpan.FromSeconds(10), Timeout);

        Assert.That(changes, Is.EqualTo(new[]
        {
            new UnitFileChange("symlink", "/etc/systemd/system/multi-user.target.wants/containerd.service", "/etc/systemd/system/containerd.service"),
            new UnitFileChange("symlink", "/etc/systemd/system/multi-user.target.wants/faasd.service", "/etc/systemd/system/faasd.service"),
        }));
        Assert.That(job, Does.StartWith("/org/freedesktop/systemd1/job/"));
        Assert.That(result, Is.EqualTo("done"), "JobRemoved was sent before StartUnit's reply and must still be seen");
        Assert.That(await manager.GetUnitActiveStateAsync("faasd.service", Timeout), Is.EqualTo("active"));
        Assert.That(_systemd.CallsSnapshot(), Is.EqualTo(new[]
        {
            "Reload",
            "EnableUnitFiles containerd.service,faasd.service runtime=False force=True",
            "Subscribe",
            "StartUnit faasd.service replace",
            "GetUnit faasd.service",
            "Get faasd.service ActiveState",
        }));
    }

    [Test]
    public async Task AFailedJobReportsSystemdsResult()
    {
        _systemd.JobResult = "failed";
        await using var manager = await ConnectAsync();

        var job = await manager.RestartUnitAsync("containerd.service", "replace", Timeout);

        Assert.That(await manager.WaitForJobAsync(job, TimeSpan.FromSeconds(10), Timeout), Is.EqualTo("failed"));
        Assert.That(await manager.GetUnitActiveStateAsync("containerd.service", Timeout), Is.EqualTo("failed"));
    }

    [Test]
    public async Task EachJobGetsItsOwnSignal()
    {
        await using var manager = await ConnectAsync();

        var first = await manager.StartUnitAsync("containerd.service", "replace", Timeout);
        var second = await manager.StartUnitAsync("faasd.service", "replace", Timeout);

        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That(await manager.WaitForJobAsync(second, TimeSpan.FromSeconds(10), Timeout), Is.EqualTo("done"));
        Assert.That(await manager.WaitForJobAsync(first, TimeSpan.FromSeconds(10), Timeout), Is.EqualTo("done"));
        Assert.That(_systemd.CallsSnapshot().Count(c => c == "Subscribe"), Is.EqualTo(1));
    }

    [Test]
    public async Task AJobThatDoesNotFinishInTimeGivesNull()
    {
        _systemd.JobsNeverFinish = true;
        var time = new FakeTimeProvider();
        var (connection, viaBus) = await SystemdBus.ConnectAsync("unix:path=" + _daemon.SocketPath, "/nonexistent", NullLogger.Instance, Timeout);
        await using var manager = new SystemdManager(connection, viaBus, time);
        var job = await manager.StartUnitAsync("faasd.service", "replace", Timeout);

        var wait = manager.WaitForJobAsync(job, TimeSpan.FromSeconds(120), Timeout);
        Assert.That(wait.IsCompleted, Is.False);
        time.Advance(TimeSpan.FromSeconds(121));

        Assert.That(await wait, Is.Null);
    }

    [Test]
    public async Task AnUnloadedUnitIsInactive()
    {
        await using var manager = await ConnectAsync();

        Assert.That(await manager.GetUnitActiveStateAsync("nothing-here.service", Timeout), Is.EqualTo("inactive"));
    }

    [Test]
    public async Task ErrorRepliesKeepTheirDBusNameAndTheConnectionStaysUsable()
    {
        await using var manager = await ConnectAsync();

        DBusErrorReplyException? error = null;
        try
        {
            await manager.StartUnitAsync("nothing-here.service", "replace", Timeout);
        }
        catch (DBusErrorReplyException ex)
        {
            error = ex;
        }

        Assert.That(error?.ErrorName, Is.EqualTo(SystemdManager.NoSuchUnitError));
        Assert.That(await manager.GetUnitActiveStateAsync("containerd.service", Timeout), Is.EqualTo("inactive"));
    }

    [Test]
    public async Task AWaitEndsWhenTheConnectionDies()
    {
        _systemd.JobsNeverFinish = true;
        await using var manager = await ConnectAsync();
        var job = await manager.StartUnitAsync("faasd.service", "replace", Timeout);
        var wait = manager.WaitForJobAsync(job, TimeSpan.FromMinutes(5), Timeout);

        await _daemon.DisposeAsync();

        Assert.That(async () => await wait, Throws.InstanceOf<Exception>().And.Not.InstanceOf<OperationCanceledException>());
    }

    private async Task<SystemdManager> ConnectAsync()
    {
        var (connection, viaBus) = await SystemdBus.ConnectAsync("unix:path=" + _daemon.SocketPath, "/nonexistent", NullLogger.Instance, Timeout);
        Assert.That(viaBus, Is.True);
        return new SystemdManager(connection, viaBus, TimeProvider.System);
    }
}
