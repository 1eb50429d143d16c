using FaasD.Network.Iptables;
using NUnit.Framework;

namespace FaasD.Network.Tests.Iptables;

public sealed class CniMasqueradeTests
{
    // Lines as iptables-save 1.8.9 printed them for the bridge plugin 1.1.1 (the chain of "stack" is its real name).
    private const string NatSave = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :CNI-020fd144d6734a87c58c175d - [0:0]
        :CNI-44a46aade2ddcd74fc8d35a7 - [0:0]
        :CNI-DN-0123456789abcdef01234 - [0:0]
        -A POSTROUTING -s 10.63.241.19/32 -m comment --comment "name: \"faasd-it-bridge\" id: \"openfaas-fn.it57c240-stack-ae450d6e\"" -j CNI-020fd144d6734a87c58c175d
        -A POSTROUTING -s 10.62.0.7/32 -m comment --comment "name: \"other-net\" id: \"fn-1\"" -j CNI-0000000000000000deadbeef
        -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
        -A CNI-020fd144d6734a87c58c175d -d 10.63.240.0/22 -m comment --comment "name: \"faasd-it-bridge\" id: \"openfaas-fn.it57c240-stack-ae450d6e\"" -j ACCEPT
        -A CNI-020fd144d6734a87c58c175d ! -d 224.0.0.0/4 -m comment --comment "name: \"faasd-it-bridge\" id: \"openfaas-fn.it57c240-stack-ae450d6e\"" -j MASQUERADE
        -A CNI-44a46aade2ddcd74fc8d35a7 ! -d 224.0.0.0/4 -m comment --comment "name: \"faasd-it-bridge\" id: \"half-0000aaaa\"" -j MASQUERADE
        COMMIT
        """;

    [Test]
    public void Chain_and_comment_are_named_as_the_plugins_name_them()
    {
        Assert.That(CniMasquerade.ChainFor("faasd-it-bridge", "openfaas-fn.it57c240-stack-ae450d6e"), Is.EqualTo("CNI-020fd144d6734a87c58c175d"));
        Assert.That(CniMasquerade.CommentFor("net", "fn-1"), Is.EqualTo("name: \"net\" id: \"fn-1\""));
    }

    [Test]
    public void Parse_finds_each_containers_jump_and_chain()
    {
        var found = CniMasquerade.Parse(NatSave);

        var stack = found.Single(m => m.ContainerId == "openfaas-fn.it57c240-stack-ae450d6e");
        Assert.Multiple(() =>
        {
            Assert.That(stack.Network, Is.EqualTo("faasd-it-bridge"));
            Assert.That(stack.Sources, Is.EqualTo(new[] { "10.63.241.19/32" }));
            Assert.That(stack.ChainExists, Is.True);
            Assert.That(stack.Chain, Is.EqualTo("CNI-020fd144d6734a87c58c175d"));
        });
    }

    [Test]
    public void A_chain_whose_jump_is_gone_is_still_found()
    {
        Assert.That(CniMasquerade.ChainFor("faasd-it-bridge", "half-0000aaaa"), Is.EqualTo("CNI-44a46aade2ddcd74fc8d35a7"), "fixture");

        var half = CniMasquerade.Parse(NatSave).Single(m => m.ContainerId == "half-0000aaaa");

        Assert.That(half.Sources, Is.Empty);
        Assert.That(half.ChainExists, Is.True);
    }

    [Test]
    public void Rules_commented_alike_but_not_in_the_chain_name_and_id_make_are_not_taken()
    {
        // other-net/fn-1 jumps to a chain that is not ChainFor("other-net", "fn-1"): somebody else's rule.
        Assert.That(CniMasquerade.Parse(NatSave).Select(m => m.ContainerId), Is.EquivalentTo(new[] { "openfaas-fn.it57c240-stack-ae450d6e", "half-0000aaaa" }));
    }
}
