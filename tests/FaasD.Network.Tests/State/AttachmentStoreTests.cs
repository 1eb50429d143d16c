using System.Text.Json.Nodes;
using FaasD.Network.State;
using NUnit.Framework;

namespace FaasD.Network.Tests.State;

public sealed class AttachmentStoreTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void CreateDirectory() => _temp = new TempDirectory();

    [TearDown]
    public void RemoveDirectory() => _temp.Dispose();

    private static AttachmentRecord Record(string id) => new(
        id,
        "/var/run/netns/" + id,
        id,
        "eth0",
        new JsonObject { ["cniVersion"] = "0.4.0", ["name"] = "n", ["plugins"] = new JsonArray(new JsonObject { ["type"] = "bridge", ["custom"] = 1 }) },
        new JsonObject { ["cniVersion"] = "0.4.0", ["ips"] = new JsonArray(new JsonObject { ["version"] = "4", ["address"] = "10.0.0.2/24" }) });

    [Test]
    public async Task A_record_round_trips_with_unknown_fields_intact()
    {
        var store = new AttachmentStore(_temp.Combine("state"));
        var record = Record("fn-a");

        await store.WriteAsync(record, CancellationToken.None);
        var read = await new AttachmentStore(_temp.Combine("state")).ReadAsync("fn-a", CancellationToken.None);

        Assert.That(read, Is.Not.Null);
        Assert.That(read!.NetnsPath, Is.EqualTo(record.NetnsPath));
        Assert.That(read.InterfaceName, Is.EqualTo("eth0"));
        Assert.That(read.Network.ToJsonString(), Is.EqualTo(record.Network.ToJsonString()));
        Assert.That(read.Result!.ToJsonString(), Is.EqualTo(record.Result!.ToJsonString()));
    }

    [Test]
    public async Task Writes_leave_no_temp_files_and_are_owner_only()
    {
        var store = new AttachmentStore(_temp.Combine("state"));

        await store.WriteAsync(Record("fn-a"), CancellationToken.None);
        await store.WriteAsync(Record("fn-a"), CancellationToken.None);

        Assert.That(Directory.GetFiles(_temp.Combine("state")).Select(Path.GetFileName), Is.EqualTo(new[] { "fn-a.json" }));
        Assert.That(File.GetUnixFileMode(store.PathFor("fn-a")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public async Task Missing_record_or_directory_reads_as_null_and_delete_is_idempotent()
    {
        var store = new AttachmentStore(_temp.Combine("never-created"));

        Assert.That(await store.ReadAsync("fn-a", CancellationToken.None), Is.Null);
        store.Delete("fn-a");

        await store.WriteAsync(Record("fn-a"), CancellationToken.None);
        store.Delete("fn-a");
        store.Delete("fn-a");
        Assert.That(await store.ReadAsync("fn-a", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task A_corrupt_record_is_an_error_not_silently_absent()
    {
        var store = new AttachmentStore(_temp.Path);
        await File.WriteAllTextAsync(store.PathFor("fn-a"), "{ half");

        Assert.That(async () => await store.ReadAsync("fn-a", CancellationToken.None), Throws.InstanceOf<NetworkException>().With.Message.Contains("fn-a.json"));
    }
}
