using System.Net;
using FaasD.Compose.Names;
using FaasD.Compose.Tests.Fakes;
using NUnit.Framework;

namespace FaasD.Compose.Tests.Names;

public sealed class HostsFileTests
{
    [Test]
    public async Task RewritesInPlaceKeepingTheInode()
    {
        using var state = new TempDirectory();
        var hosts = new HostsFile(state.Combine("hosts"));
        var book = new ServiceAddressBook(hosts, new Dictionary<string, IPAddress> { ["gateway"] = IPAddress.Parse("10.62.0.1") });
        await book.SetAsync("nats", IPAddress.Parse("10.62.0.5"), CancellationToken.None);
        // A reader holding the file open pins its inode, as a bind mount does: it sees the new content only if
        // the file was rewritten in place (a rename would leave it reading the old, unlinked file).
        await using var held = new FileStream(hosts.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

        await book.SetAsync("nats", IPAddress.Parse("10.62.0.77"), CancellationToken.None);
        await book.SetAsync("db", IPAddress.Parse("10.62.0.8"), CancellationToken.None);

        using var reader = new StreamReader(held);
        Assert.That(reader.ReadToEnd(), Is.EqualTo(
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n10.62.0.8\tdb\n10.62.0.1\tgateway\n10.62.0.77\tnats\n"));
    }

    [Test]
    public async Task ShrinkingContentLeavesNoTail()
    {
        using var state = new TempDirectory();
        var hosts = new HostsFile(state.Combine("hosts"));
        var book = new ServiceAddressBook(hosts, new Dictionary<string, IPAddress>());
        await book.SetAsync("a-long-service-name", IPAddress.Parse("10.62.0.100"), CancellationToken.None);
        await book.RemoveAsync("a-long-service-name", CancellationToken.None);
        Assert.That(await File.ReadAllTextAsync(hosts.Path), Is.EqualTo("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"));
    }
}
