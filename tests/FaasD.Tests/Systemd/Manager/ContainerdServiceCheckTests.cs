using FaasD.Systemd.Manager;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace FaasD.Tests.Systemd.Manager;

public sealed class ContainerdServiceCheckTests
{
    [Test]
    public async Task InactiveContainerdIsReportedWithTheFix()
    {
        var systemd = new FakeSystemdManager();
        systemd.States["containerd.service"] = "failed";

        var problem = await Check(systemd, systemdRunning: true).FindProblemAsync(CancellationToken.None);

        Assert.That(problem, Is.EqualTo("containerd.service is not active (it is failed): run `systemctl start containerd`"));
    }

    [Test]
    public async Task ActiveContainerdIsFine()
    {
        var systemd = new FakeSystemdManager();
        systemd.States["containerd.service"] = "active";

        Assert.That(await Check(systemd, systemdRunning: true).FindProblemAsync(CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task WithoutSystemdThereIsNothingToAsk()
    {
        var systemd = new FakeSystemdManager();

        Assert.That(await Check(systemd, systemdRunning: false).FindProblemAsync(CancellationToken.None), Is.Null);
        Assert.That(systemd.Calls, Is.Empty);
    }

    [Test]
    public async Task UnreachableDBusIsNotAFinding()
    {
        var check = new ContainerdServiceCheck(_ => throw new SystemdUnreachableException("no bus"), () => true, NullLogger<ContainerdServiceCheck>.Instance);

        Assert.That(await check.FindProblemAsync(CancellationToken.None), Is.Null);
    }

    private static ContainerdServiceCheck Check(FakeSystemdManager systemd, bool systemdRunning) =>
        new(_ => Task.FromResult<ISystemdManager>(systemd), () => systemdRunning, NullLogger<ContainerdServiceCheck>.Instance);
}
