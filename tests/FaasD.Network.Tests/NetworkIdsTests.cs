using NUnit.Framework;

namespace FaasD.Network.Tests;

public sealed class NetworkIdsTests
{
    [TestCase("openfaas-fn-myfunc")]
    [TestCase("a")]
    [TestCase("fn_1.v2")]
    public void Valid_ids_pass_unchanged(string id) => Assert.That(NetworkIds.Validate(id), Is.EqualTo(id));

    [TestCase("")]
    [TestCase("-leading-dash")]
    [TestCase(".hidden")]
    [TestCase("../escape")]
    [TestCase("has/slash")]
    [TestCase("has space")]
    public void Ids_unfit_for_a_file_name_or_cni_are_refused(string id) =>
        Assert.Throws<ArgumentException>(() => NetworkIds.Validate(id));

    [Test]
    public void Length_is_bounded()
    {
        Assert.That(NetworkIds.Validate(new string('a', NetworkIds.MaxLength)), Has.Length.EqualTo(NetworkIds.MaxLength));
        Assert.Throws<ArgumentException>(() => NetworkIds.Validate(new string('a', NetworkIds.MaxLength + 1)));
    }
}
