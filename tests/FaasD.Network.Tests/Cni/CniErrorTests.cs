using FaasD.Network.Cni;
using NUnit.Framework;

namespace FaasD.Network.Tests.Cni;

public sealed class CniErrorTests
{
    [Test]
    public void Reads_code_msg_and_details()
    {
        var error = CniError.FromFailedRun(1, """
            {"code": 1, "msg": "incompatible CNI versions", "details": "config is \"9.0.0\", plugin supports [\"1.0.0\"]"}
            """, "");

        Assert.That(error, Is.EqualTo(new CniError(1, "incompatible CNI versions", "config is \"9.0.0\", plugin supports [\"1.0.0\"]")));
    }

    [Test]
    public void Exception_names_plugin_command_code_and_message()
    {
        var error = new CniPluginException("bridge", CniCommand.Add, new CniError(7, "invalid network config", "no bridge name"));

        Assert.That(error.Message, Is.EqualTo("CNI plugin 'bridge' ADD failed (code 7): invalid network config: no bridge name"));
        Assert.That(error.Plugin, Is.EqualTo("bridge"));
        Assert.That(error.Error.Code, Is.EqualTo(7));
    }

    [Test]
    public void Error_without_details_or_code_reads_cleanly()
    {
        var error = new CniPluginException("firewall", CniCommand.Del, CniError.FromFailedRun(1, """{"msg":"boom"}""", ""));

        Assert.That(error.Message, Is.EqualTo("CNI plugin 'firewall' DEL failed: boom"));
    }

    [Test]
    public void A_crash_without_json_reports_stderr()
    {
        var error = CniError.FromFailedRun(2, "", "panic: runtime error: index out of range\n");

        Assert.That(error, Is.EqualTo(new CniError(null, "panic: runtime error: index out of range", null)));
    }

    [Test]
    public void Silence_reports_the_exit_code()
    {
        Assert.That(CniError.FromFailedRun(137, "", "").Message, Is.EqualTo("exited with code 137 and no output"));
    }

    [TestCase("")]
    [TestCase("{")]
    [TestCase("""{"code": 3}""")]
    [TestCase("[]")]
    public void Not_an_error_object_is_not_parsed(string stdout)
    {
        Assert.That(CniError.TryParse(stdout), Is.Null);
    }
}
