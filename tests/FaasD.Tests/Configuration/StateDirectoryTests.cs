using FaasD.Configuration;
using NUnit.Framework;

namespace FaasD.Tests.Configuration;

/// <summary>Issue 11 item 5: secrets and logs are root's alone at every start, not only when first created.</summary>
internal sealed class StateDirectoryTests
{
    private const UnixFileMode PrivateDir = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Test]
    public async Task A_loosened_secrets_directory_is_tightened_again_on_start_and_the_password_kept()
    {
        var root = Directory.CreateTempSubdirectory("faasd-state-").FullName;
        try
        {
            var settings = new DaemonSettings { StateDir = root };
            var (_, password) = await StateDirectory.PrepareAsync(settings, CancellationToken.None);

            // Someone (or an older version) opened things up.
            var secretDir = Path.Combine(settings.SecretsDir, "openfaas-fn");
            Directory.CreateDirectory(secretDir);
            var secret = Path.Combine(secretDir, "api-key");
            await File.WriteAllTextAsync(secret, "v");
            var open = PrivateDir | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            File.SetUnixFileMode(settings.SecretsDir, open);
            File.SetUnixFileMode(secretDir, open);
            File.SetUnixFileMode(secret, PrivateFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.SetUnixFileMode(settings.LogsDir, open);

            var (_, again) = await StateDirectory.PrepareAsync(settings, CancellationToken.None);

            Assert.Multiple(() =>
            {
                Assert.That(again, Is.EqualTo(password), "the password is never regenerated");
                Assert.That(File.GetUnixFileMode(settings.SecretsDir), Is.EqualTo(PrivateDir));
                Assert.That(File.GetUnixFileMode(secretDir), Is.EqualTo(PrivateDir));
                Assert.That(File.GetUnixFileMode(secret), Is.EqualTo(PrivateFile));
                Assert.That(File.GetUnixFileMode(settings.LogsDir), Is.EqualTo(PrivateDir));
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
