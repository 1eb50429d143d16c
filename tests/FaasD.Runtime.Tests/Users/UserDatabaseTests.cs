using FaasD.Runtime.Oci;
using FaasD.Runtime.Users;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Users;

public sealed class UserDatabaseTests
{
    private const string Passwd = """
        root:x:0:0:root:/root:/bin/sh
        # a comment
        app:x:1000:1000:Linux User,,,:/home/app:/sbin/nologin
        nobody:x:65534:65534:nobody:/:/sbin/nologin
        """;

    private const string Group = """
        root:x:0:
        wheel:x:10:root,app
        staff:x:50:app
        app:x:1000:
        """;

    private static readonly UserDatabase s_database = new(Passwd, Group);

    [TestCase(null, 0u, 0u)]
    [TestCase("", 0u, 0u)]
    [TestCase("root", 0u, 0u)]
    [TestCase("app", 1000u, 1000u)]
    [TestCase("1000", 1000u, 1000u)]
    [TestCase("4242", 4242u, 0u)]
    [TestCase("app:staff", 1000u, 50u)]
    [TestCase("app:77", 1000u, 77u)]
    [TestCase("4242:4343", 4242u, 4343u)]
    public void User_strings_resolve_like_containerd(string? user, uint uid, uint gid)
    {
        var resolved = s_database.Resolve(user);

        Assert.That((resolved.Uid, resolved.Gid), Is.EqualTo((uid, gid)));
    }

    [Test]
    public void Supplementary_groups_come_from_memberships()
    {
        Assert.Multiple(() =>
        {
            Assert.That(s_database.Resolve("app").AdditionalGids, Is.EqualTo(new uint[] { 10, 50 }));
            Assert.That(s_database.Resolve("root").AdditionalGids, Is.EqualTo(new uint[] { 10 }));
            Assert.That(s_database.Resolve("app:staff").AdditionalGids, Is.Empty, "an explicit group replaces memberships");
            Assert.That(s_database.Resolve("4242").AdditionalGids, Is.Empty);
        });
    }

    [TestCase("ghost")]
    [TestCase("app:ghosts")]
    public void Unknown_names_are_invalid(string user)
    {
        var error = Assert.Throws<RuntimeException>(() => s_database.Resolve(user));

        Assert.That(error!.Kind, Is.EqualTo(RuntimeErrorKind.InvalidArgument));
    }

    [Test]
    public void Image_without_passwd_runs_numeric_users_and_root()
    {
        var empty = new UserDatabase(null, null);

        Assert.Multiple(() =>
        {
            Assert.That(empty.Resolve(null), Is.EqualTo(ProcessUser.Root).Using<ProcessUser>((a, b) => a.Uid == b.Uid && a.Gid == b.Gid));
            Assert.That(empty.Resolve("1000:1000").Uid, Is.EqualTo(1000));
        });
    }
}
