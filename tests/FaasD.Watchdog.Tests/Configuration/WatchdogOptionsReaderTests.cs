using FaasD.Watchdog.Configuration;
using NUnit.Framework;

namespace FaasD.Watchdog.Tests.Configuration;

[TestFixture]
public sealed class WatchdogOptionsReaderTests
{
    [Test]
    public void Defaults_FollowOfWatchdog()
    {
        var options = Read(("fprocess", "node  index.js"));

        Assert.Multiple(() =>
        {
            Assert.That(options.Mode, Is.EqualTo(WatchdogMode.Streaming));
            Assert.That(options.Command, Is.EqualTo(new[] { "node", "index.js" }));
            Assert.That(options.Port, Is.EqualTo(8080));
            Assert.That(options.ExecTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(options.HealthcheckInterval, Is.EqualTo(options.WriteTimeout));
            Assert.That(options.ContentType, Is.EqualTo("application/octet-stream"));
            Assert.That(options.PrefixLogs, Is.True);
        });
    }

    [Test]
    public void Classic_HasNoExecTimeoutAndEchoesContentType()
    {
        var options = Read(("fprocess", "cat"), ("mode", "classic"));

        Assert.Multiple(() =>
        {
            Assert.That(options.ExecTimeout, Is.EqualTo(TimeSpan.Zero));
            Assert.That(options.ContentType, Is.Null);
            Assert.That(options.CombineOutput, Is.True);
        });
    }

    [Test]
    public void Aliases_FprocessAndUpstreamUrlWin()
    {
        var options = Read(
            ("function_process", "old"), ("fprocess", "new"), ("mode", "http"),
            ("http_upstream_url", "http://127.0.0.1:1"), ("upstream_url", "http://127.0.0.1:2"));

        Assert.Multiple(() =>
        {
            Assert.That(options.Command, Is.EqualTo(new[] { "new" }));
            Assert.That(options.UpstreamUrl, Is.EqualTo(new Uri("http://127.0.0.1:2")));
        });
    }

    [TestCase("mode", "afterburn", "mode")]
    [TestCase("mode", "static", "not supported")]
    [TestCase("exec_timeout", "soon", "exec_timeout")]
    [TestCase("write_timeout", "0", "write_timeout")]
    [TestCase("port", "80000", "port")]
    [TestCase("max_inflight", "-1", "max_inflight")]
    [TestCase("suppress_lock", "yes", "suppress_lock")]
    [TestCase("ready_path", "ready", "ready_path")]
    public void BadValue_IsRejectedNamingTheVariable(string name, string value, string expected)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Read(("fprocess", "cat"), (name, value)));

        Assert.That(error!.Message, Does.Contain(expected));
    }

    [Test]
    public void MissingFprocess_IsRejected() =>
        Assert.Throws<InvalidConfigurationException>(() => Read(("mode", "streaming")));

    [Test]
    public void HttpMode_WithoutUpstream_IsRejected() =>
        Assert.Throws<InvalidConfigurationException>(() => Read(("fprocess", "cat"), ("mode", "http")));

    private static WatchdogOptions Read(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return WatchdogOptionsReader.Read(name => map.GetValueOrDefault(name));
    }
}
