using FaasD.Network.Cni;
using NUnit.Framework;

namespace FaasD.Network.Tests.Cni;

public sealed class CniPluginLocatorTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void CreateDirectories() => _temp = new TempDirectory();

    [TearDown]
    public void RemoveDirectories() => _temp.Dispose();

    [Test]
    public void First_directory_that_has_the_plugin_wins()
    {
        var first = _temp.Combine("opt");
        var second = _temp.Combine("usr");
        FakePlugin.Write(second, "bridge", _temp.Path);
        FakePlugin.Write(first, "bridge", _temp.Path);
        FakePlugin.Write(second, "firewall", _temp.Path);
        var locator = new CniPluginLocator([first, second]);

        Assert.That(locator.Locate("bridge"), Is.EqualTo(Path.Combine(first, "bridge")));
        Assert.That(locator.Locate("firewall"), Is.EqualTo(Path.Combine(second, "firewall")));
        Assert.That(locator.SearchPath, Is.EqualTo($"{first}:{second}"));
    }

    [Test]
    public void A_file_without_execute_permission_is_skipped()
    {
        var first = _temp.Combine("opt");
        var second = _temp.Combine("usr");
        Directory.CreateDirectory(first);
        File.WriteAllText(Path.Combine(first, "bridge"), "not a program");
        FakePlugin.Write(second, "bridge", _temp.Path);

        Assert.That(new CniPluginLocator([first, second]).Locate("bridge"), Is.EqualTo(Path.Combine(second, "bridge")));
    }

    [Test]
    public void Missing_plugin_names_the_plugin_and_every_directory()
    {
        var locator = new CniPluginLocator(["/nonexistent/a", "/nonexistent/b"]);

        var error = Assert.Throws<CniConfigException>(() => locator.Locate("bridge"));

        Assert.That(error!.Message, Is.EqualTo("CNI plugin 'bridge' not found in /nonexistent/a, /nonexistent/b"));
    }

    [TestCase("../bin/sh")]
    [TestCase("..")]
    [TestCase("")]
    public void A_type_that_is_a_path_is_refused(string type)
    {
        Assert.Throws<CniConfigException>(() => new CniPluginLocator([_temp.Path]).Locate(type));
    }
}
