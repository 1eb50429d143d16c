using FaasD.Runtime.Logs;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Logs;

public sealed class TaskLogFilesTests
{
    [Test]
    public void Path_and_uri_name_the_namespace_and_id()
    {
        var logs = new TaskLogFiles(new RuntimeOptions { LogDirectory = "/var/lib/faasd/logs" });

        Assert.Multiple(() =>
        {
            Assert.That(logs.PathFor("openfaas-fn", "figlet"), Is.EqualTo("/var/lib/faasd/logs/openfaas-fn/figlet.log"));
            Assert.That(logs.UriFor("openfaas-fn", "figlet"), Is.EqualTo("file:///var/lib/faasd/logs/openfaas-fn/figlet.log"));
        });
    }

    [Test]
    public void Directory_is_private_and_delete_tolerates_absence()
    {
        var root = Directory.CreateTempSubdirectory("faasd-logs-").FullName;
        try
        {
            var logs = new TaskLogFiles(new RuntimeOptions { LogDirectory = root });
            logs.EnsureDirectory("openfaas-fn");
            File.WriteAllText(logs.PathFor("openfaas-fn", "figlet"), "line\n");

            logs.Delete("openfaas-fn", "figlet");
            logs.Delete("openfaas-fn", "figlet");
            logs.Delete("elsewhere", "figlet");

            Assert.Multiple(() =>
            {
                Assert.That(File.Exists(logs.PathFor("openfaas-fn", "figlet")), Is.False);
                Assert.That(File.GetUnixFileMode(Path.Combine(root, "openfaas-fn")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
