using System.Net;
using FaasD.Chaos.Tests.Support;
using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Chaos.Tests;

/// <summary>Issue 11 item 8: a full state disk (a small tmpfs as state dir) gives clear errors and loses nothing.</summary>
[Integration]
internal sealed class FullDiskTests
{
    [Test]
    public async Task A_full_state_disk_gives_clear_errors_and_keeps_password_and_secrets()
    {
        TestEnvironment.RequireContainerd();
        var stateDir = Directory.CreateTempSubdirectory("faasd-fulldisk-").FullName;
        await Shell.RunAsync("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", stateDir);
        try
        {
            Assert.That(await Shell.RunAsync("findmnt", "-n", "-o", "FSTYPE", stateDir), Does.Contain("tmpfs"), "the state dir is the small tmpfs");
            await using var host = await ChaosHost.StartAsync(stateDir: stateDir);
            var password = host.Daemon.Password;
            using (var api = host.Daemon.Client())
            using (var created = await api.PostAsync("/system/secrets", ChaosHost.Json("""{"name":"keep","value":"precious"}""")))
            {
                Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }

            // Fill the disk to the last byte.
            await Shell.RunAsync("dd", "if=/dev/zero", $"of={Path.Combine(stateDir, "filler")}", "bs=64k");
            using (var api = host.Daemon.Client())
            {
                using var write = await api.PostAsync("/system/secrets", ChaosHost.Json("""{"name":"new","value":"x"}"""));
                using var overwrite = await api.PutAsync("/system/secrets", ChaosHost.Json($$"""{"name":"keep","value":"{{new string('y', 100_000)}}"}"""));
                var writeText = await write.Content.ReadAsStringAsync();
                var overwriteText = await overwrite.Content.ReadAsStringAsync();
                using var list = await api.GetAsync("/system/functions");
                TestContext.Out.WriteLine($"full disk: new secret → {(int)write.StatusCode} \"{writeText.Trim()}\"; overwrite → {(int)overwrite.StatusCode}; list → {(int)list.StatusCode}");
                Assert.Multiple(() =>
                {
                    Assert.That(write.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
                    Assert.That(writeText, Does.Contain("cannot store secret new").And.Contain("space"), "a clear reason");
                    Assert.That(overwrite.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
                    Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.OK), "reads still work");
                });
            }

            // Nothing was lost or half-written, and a restart on the full disk comes up with the same password.
            Assert.That(await File.ReadAllTextAsync(Path.Combine(stateDir, "secrets", "openfaas-fn", "keep")), Is.EqualTo("precious"));
            Assert.That(Directory.GetFiles(Path.Combine(stateDir, "secrets", "openfaas-fn")).Select(Path.GetFileName), Is.EqualTo(new[] { "keep" }), "no temp files left");
            await host.Daemon.KillAsync();
            await host.RestartDaemonAsync();
            Assert.That(host.Daemon.Password, Is.EqualTo(password));

            File.Delete(Path.Combine(stateDir, "filler"));
            using var again = host.Daemon.Client();
            using var after = await again.PostAsync("/system/secrets", ChaosHost.Json("""{"name":"new","value":"x"}"""));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK), "works again once there is space");
        }
        finally
        {
            await Shell.RunAsync("umount", "-l", stateDir);
            Directory.Delete(stateDir, recursive: true);
        }
    }
}
