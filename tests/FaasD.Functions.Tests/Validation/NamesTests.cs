using FaasD.Functions.Abstractions;
using FaasD.Functions.Validation;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Validation;

public class NamesTests
{
    [TestCase("figlet", true)]
    [TestCase("a", true)]
    [TestCase("nodeinfo-2", true)]
    [TestCase("Figlet", false)]
    [TestCase("-figlet", false)]
    [TestCase("figlet-", false)]
    [TestCase("fig.let", false)]
    [TestCase("fig_let", false)]
    [TestCase("", false)]
    [TestCase(null, false)]
    public void Function_names_must_be_dns1123_labels(string? name, bool valid) =>
        Assert.That(Names.IsDns1123Label(name), Is.EqualTo(valid));

    [Test]
    public void A_64_character_name_is_too_long()
    {
        Assert.That(Names.IsDns1123Label(new string('a', 63)), Is.True);
        Assert.That(Names.IsDns1123Label(new string('a', 64)), Is.False);
    }

    [TestCase("", "non-empty name is required")]
    [TestCase("../etc", "directory traversal found in name")]
    [TestCase("a/b", "directory traversal found in name")]
    public void Bad_secret_names_are_refused_with_the_contract_message(string name, string message)
    {
        var ex = Assert.Throws<FunctionPlatformException>(() => Names.ValidateSecretName(name));
        Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.Invalid));
        Assert.That(ex.Message, Is.EqualTo(message));
    }

    [Test]
    public void Secret_names_may_be_dns_subdomains() =>
        Assert.DoesNotThrow(() => Names.ValidateSecretName("api.key-1"));
}
