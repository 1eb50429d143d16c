using FaasD.Systemd.Manager;
using NUnit.Framework;

namespace FaasD.Tests.Systemd.Manager;

public sealed class JobTrackerTests
{
    private const string Job = "/org/freedesktop/systemd1/job/7";

    [Test]
    public async Task ASignalSeenBeforeTheWaitIsKept()
    {
        var jobs = new JobTracker();

        jobs.OnJobRemoved(Job, "done");

        Assert.That(await jobs.WhenRemoved(Job), Is.EqualTo("done"));
    }

    [Test]
    public async Task AWaitCompletesWhenItsJobIsRemoved()
    {
        var jobs = new JobTracker();
        var wait = jobs.WhenRemoved(Job);

        jobs.OnJobRemoved("/org/freedesktop/systemd1/job/8", "done");
        Assert.That(wait.IsCompleted, Is.False, "another job's signal");
        jobs.OnJobRemoved(Job, "failed");

        Assert.That(await wait, Is.EqualTo("failed"));
    }

    [Test]
    public void ABrokenConnectionFailsPendingAndLaterWaits()
    {
        var jobs = new JobTracker();
        var pending = jobs.WhenRemoved(Job);
        var reason = new IOException("bus gone");

        jobs.OnBroken(reason);

        Assert.That(async () => await pending, Throws.InstanceOf<IOException>());
        Assert.That(async () => await jobs.WhenRemoved("/org/freedesktop/systemd1/job/9"), Throws.InstanceOf<IOException>());
    }

    [Test]
    public async Task AForgottenWaitLeavesALateSignalForTheNextAsker()
    {
        var jobs = new JobTracker();
        _ = jobs.WhenRemoved(Job);

        jobs.Forget(Job);
        jobs.OnJobRemoved(Job, "done");

        Assert.That(await jobs.WhenRemoved(Job), Is.EqualTo("done"));
    }
}
