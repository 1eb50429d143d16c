using FaasD.Runtime.Logs;
using FaasD.Systemd;
using FaasD.Tests.Systemd.Journal;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace FaasD.Tests.Systemd;

public sealed class SystemdServiceCollectionExtensionsTests
{
    [Test]
    public void JournalSinkIsRegisteredWhenJournaldListens()
    {
        using var journal = new FakeJournal();
        using var provider = new ServiceCollection().AddJournalLogSink(journal.SocketPath).BuildServiceProvider();

        var sink = provider.GetServices<ILogSink>().Single();
        sink.Write("openfaas-fn", "echo", "echo", "hi", isError: false);

        Assert.That(System.Text.Encoding.UTF8.GetString(journal.Receive()), Does.Contain("SYSLOG_IDENTIFIER=openfaas-fn:echo\n"));
    }

    [Test]
    public void NothingIsRegisteredWithoutJournald()
    {
        using var provider = new ServiceCollection().AddJournalLogSink("/nonexistent/journal/socket").BuildServiceProvider();

        Assert.That(provider.GetServices<ILogSink>(), Is.Empty);
    }
}
