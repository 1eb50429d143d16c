using FaasD.Runtime.Lifecycle;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Lifecycle;

public sealed class ContainerNamesTests
{
    [TestCase("openfaas-fn", "figlet")]
    [TestCase("team.a_b", "nodeinfo-2")]
    public void Valid_names_pass(string @namespace, string id)
    {
        Assert.DoesNotThrow(() => ContainerNames.Validate(@namespace, id));
    }

    [TestCase("openfaas-fn", "")]
    [TestCase("openfaas-fn", "../etc")]
    [TestCase("openfaas-fn", "a/b")]
    [TestCase("openfaas-fn", "-lead")]
    [TestCase("openfaas-fn", "double--dash")]
    [TestCase("", "figlet")]
    [TestCase("openfaas fn", "figlet")]
    public void Names_unsafe_for_paths_or_refused_by_containerd_are_invalid(string @namespace, string id)
    {
        var error = Assert.Throws<RuntimeException>(() => ContainerNames.Validate(@namespace, id));

        Assert.That(error!.Kind, Is.EqualTo(RuntimeErrorKind.InvalidArgument));
    }

    [Test]
    public void Too_long_id_is_invalid()
    {
        Assert.Throws<RuntimeException>(() => ContainerNames.Validate("openfaas-fn", new string('a', 77)));
    }

    [TestCase("/faasd", "/faasd/openfaas-fn/figlet")]
    [TestCase("faasd/", "/faasd/openfaas-fn/figlet")]
    [TestCase("/", "/openfaas-fn/figlet")]
    public void Cgroups_path_is_parent_namespace_id(string parent, string expected)
    {
        Assert.That(ContainerNames.CgroupsPath(parent, "openfaas-fn", "figlet"), Is.EqualTo(expected));
    }

    [Test]
    public void Snapshot_key_and_network_id()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ContainerNames.SnapshotKey("figlet"), Is.EqualTo("figlet-snapshot"));
            Assert.That(ContainerNames.NetworkId("openfaas-fn", "figlet"), Is.EqualTo("openfaas-fn.figlet"));
            Assert.That(ContainerNames.NetworkId("a-b", "c"), Is.Not.EqualTo(ContainerNames.NetworkId("a", "b-c")));
        });
    }
}
