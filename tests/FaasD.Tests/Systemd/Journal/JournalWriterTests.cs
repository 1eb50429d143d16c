using System.Diagnostics;
using System.Text;
using FaasD.Systemd.Journal;
using NUnit.Framework;

namespace FaasD.Tests.Systemd.Journal;

public sealed class JournalWriterTests
{
    [Test]
    public void SendsPriorityIdentifierMessageAndExtraFieldsAsOneDatagram()
    {
        using var journal = new FakeJournal();
        using var writer = new JournalWriter(journal.SocketPath);

        var result = writer.Write(JournalPriority.Error, "openfaas-fn:figlet", "boom", [new("CONTAINER_ID", "figlet")]);

        Assert.That(result, Is.EqualTo(JournalWriteResult.Sent));
        Assert.That(Encoding.UTF8.GetString(journal.Receive()), Is.EqualTo("PRIORITY=3\nSYSLOG_IDENTIFIER=openfaas-fn:figlet\nMESSAGE=boom\nCONTAINER_ID=figlet\n"));
    }

    [Test]
    public void MissingJournalIsNotAvailableAndEntriesAreDroppedAndCounted()
    {
        using var writer = new JournalWriter("/nonexistent/journal/socket");

        Assert.That(writer.IsAvailable, Is.False);
        Assert.That(writer.Write(JournalPriority.Informational, "x", "y"), Is.EqualTo(JournalWriteResult.Dropped));
        Assert.That(writer.DroppedEntries, Is.EqualTo(1));
    }

    [Test]
    public void FullJournalBufferDropsInsteadOfBlocking()
    {
        using var journal = new FakeJournal(receiveBufferBytes: 4096);
        using var writer = new JournalWriter(journal.SocketPath);
        var message = new string('x', 2000);

        var clock = Stopwatch.StartNew();
        var results = Enumerable.Range(0, 2000).Select(_ => writer.Write(JournalPriority.Informational, "t", message)).ToList();

        Assert.That(results, Does.Contain(JournalWriteResult.Dropped));
        Assert.That(writer.DroppedEntries, Is.EqualTo(results.Count(r => r == JournalWriteResult.Dropped)));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "the writer must never wait for the reader");
    }

    [Test]
    public void EntryLargerThanADatagramTravelsAsAnEmptyDatagramCarryingAMemfd()
    {
        using var journal = new FakeJournal(receiveBufferBytes: 8 << 20);
        using var writer = new JournalWriter(journal.SocketPath);

        var result = writer.Write(JournalPriority.Informational, "t", new string('x', 4 << 20));

        Assert.That(result, Is.EqualTo(JournalWriteResult.SentAsMemfd));
        Assert.That(journal.Receive(), Is.Empty, "the entry itself is in the passed descriptor, not the datagram");
    }

    [Test]
    public void RecoversWhenJournaldIsRestartedUnderneath()
    {
        var journal = new FakeJournal();
        var path = journal.SocketPath;
        using var writer = new JournalWriter(path);
        Assert.That(writer.Write(JournalPriority.Informational, "t", "before"), Is.EqualTo(JournalWriteResult.Sent));

        // journald restarting = its socket closed and bound again at the same path.
        journal.Socket.Dispose();
        File.Delete(path);
        using var restarted = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Unspecified);
        restarted.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));

        Assert.That(writer.Write(JournalPriority.Informational, "t", "after"), Is.EqualTo(JournalWriteResult.Sent));
        var buffer = new byte[1024];
        Assert.That(Encoding.UTF8.GetString(buffer, 0, restarted.Receive(buffer)), Does.Contain("MESSAGE=after"));
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Test]
    public void FunctionLinesGoOutWithNamespaceColonFunctionAndStreamPriority()
    {
        using var journal = new FakeJournal();
        using var writer = new JournalWriter(journal.SocketPath);
        var sink = new JournalLogSink(writer);

        sink.Write("openfaas-fn", "echo", "echo-1", "to stdout", isError: false);
        sink.Write("openfaas-fn", "echo", "echo-1", "to stderr", isError: true);

        var stdout = Encoding.UTF8.GetString(journal.Receive());
        var stderr = Encoding.UTF8.GetString(journal.Receive());
        Assert.That(stdout, Does.StartWith("PRIORITY=6\nSYSLOG_IDENTIFIER=openfaas-fn:echo\nMESSAGE=to stdout\n"));
        Assert.That(stderr, Does.StartWith("PRIORITY=3\nSYSLOG_IDENTIFIER=openfaas-fn:echo\nMESSAGE=to stderr\n"));
        Assert.That(stdout, Does.Contain("CONTAINER_ID=echo-1\n"));
    }
}
