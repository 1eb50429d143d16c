using FaasD.Runtime.Oci;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Oci;

public sealed class EnvironmentMergeTests
{
    [Test]
    public void Later_layers_replace_in_place_and_new_keys_append()
    {
        var merged = EnvironmentMerge.Merge(["A=1", "B=2"], ["B=3", "C=4"], ["A=5"]);

        Assert.That(merged, Is.EqualTo(new[] { "A=5", "B=3", "C=4" }));
    }

    [TestCase("KEY=value=more", "KEY")]
    [TestCase("KEY=", "KEY")]
    [TestCase("KEY", "KEY")]
    public void Key_is_everything_before_the_first_equals(string entry, string key)
    {
        Assert.That(EnvironmentMerge.KeyOf(entry), Is.EqualTo(key));
    }

    [Test]
    public void Entries_without_a_key_are_dropped()
    {
        Assert.That(EnvironmentMerge.Merge(["=x", "A=1"]), Is.EqualTo(new[] { "A=1" }));
    }
}
