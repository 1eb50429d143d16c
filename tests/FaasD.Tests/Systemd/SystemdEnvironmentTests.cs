using FaasD.Systemd;
using NUnit.Framework;

namespace FaasD.Tests.Systemd;

public sealed class SystemdEnvironmentTests
{
    [TestCase("8:12345", "12345", true)]
    [TestCase("8:12345", "99999", false)]
    [TestCase(null, "12345", false)]
    [TestCase("", "12345", false)]
    [TestCase("8:12345", null, false)]
    [TestCase("12345", "12345", false)]
    public void StdoutIsTheJournalOnlyWhenJournalStreamNamesItsInode(string? journalStream, string? stdoutInode, bool expected)
    {
        Assert.That(SystemdEnvironment.IsJournalStream(journalStream, stdoutInode), Is.EqualTo(expected));
    }
}
