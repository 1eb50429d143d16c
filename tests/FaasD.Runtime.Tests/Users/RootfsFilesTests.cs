using FaasD.Runtime.Users;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Users;

public sealed class RootfsFilesTests
{
    private string _root = "";

    [SetUp]
    public void CreateLayers() => _root = Directory.CreateTempSubdirectory("faasd-rootfs-").FullName;

    [TearDown]
    public void RemoveLayers() => Directory.Delete(_root, recursive: true);

    [Test]
    public void Overlay_searches_upper_then_lower_layers_top_down()
    {
        var mounts = new[]
        {
            new RootfsMount("overlay", "overlay", ["index=off", "workdir=/w", "upperdir=/u", "lowerdir=/l2:/l1"]),
        };

        Assert.That(RootfsFiles.LayerDirectories(mounts), Is.EqualTo(new[] { "/u", "/l2", "/l1" }));
    }

    [Test]
    public void Bind_mount_is_a_single_directory()
    {
        var mounts = new[] { new RootfsMount("bind", "/snap/1/fs", ["rbind", "rw"]) };

        Assert.That(RootfsFiles.LayerDirectories(mounts), Is.EqualTo(new[] { "/snap/1/fs" }));
    }

    [Test]
    public async Task The_topmost_copy_of_a_file_wins()
    {
        var lower = Layer("lower", "root:x:0:0::/root:/bin/sh\n");
        var upper = Layer("upper", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
        var mounts = new[] { new RootfsMount("overlay", "overlay", [$"upperdir={upper}", $"lowerdir={lower}"]) };

        var passwd = await RootfsFiles.ReadAsync(mounts, "/etc/passwd", CancellationToken.None);

        Assert.That(passwd, Does.Contain("app:x:1000"));
    }

    [Test]
    public async Task Missing_file_is_null()
    {
        var mounts = new[] { new RootfsMount("bind", Layer("only", null), ["rbind"]) };

        Assert.That(await RootfsFiles.ReadAsync(mounts, "/etc/passwd", CancellationToken.None), Is.Null);
    }

    private string Layer(string name, string? passwd)
    {
        var directory = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.Combine(directory, "etc"));
        if (passwd is not null)
        {
            File.WriteAllText(Path.Combine(directory, "etc", "passwd"), passwd);
        }

        return directory;
    }
}
