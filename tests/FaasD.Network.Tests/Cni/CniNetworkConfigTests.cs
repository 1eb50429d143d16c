using System.Text.Json.Nodes;
using FaasD.Network.Cni;
using NUnit.Framework;

namespace FaasD.Network.Tests.Cni;

public sealed class CniNetworkConfigTests
{
    private static string ShippedConfList => File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "cni", "10-openfaas.conflist"));

    [Test]
    public void Shipped_conflist_is_the_faasd_bridge_then_firewall()
    {
        var network = CniNetworkConfig.Parse(ShippedConfList);

        Assert.That(network.Name, Is.EqualTo("openfaas-cni-bridge"));
        Assert.That(network.CniVersion, Is.EqualTo("0.4.0"));
        Assert.That(network.Plugins.Select(plugin => plugin.Type), Is.EqualTo(new[] { "bridge", "firewall" }));
        var bridge = network.Plugins[0].Config;
        Assert.That(bridge["bridge"]!.GetValue<string>(), Is.EqualTo("openfaas0"));
        Assert.That(bridge["isGateway"]!.GetValue<bool>(), Is.True);
        Assert.That(bridge["ipMasq"]!.GetValue<bool>(), Is.True);
        Assert.That(bridge["ipam"]!["type"]!.GetValue<string>(), Is.EqualTo("host-local"));
        Assert.That(bridge["ipam"]!["subnet"]!.GetValue<string>(), Is.EqualTo("10.62.0.0/16"));
        Assert.That(bridge["ipam"]!["dataDir"]!.GetValue<string>(), Is.EqualTo("/var/run/cni"));
        Assert.That(bridge["ipam"]!["routes"]![0]!["dst"]!.GetValue<string>(), Is.EqualTo("0.0.0.0/0"));
    }

    [Test]
    public void Built_in_default_is_the_shipped_file()
    {
        Assert.That(CniNetworkConfig.Parse(NetworkDefaults.ConfigList), Is.EqualTo(CniNetworkConfig.Parse(ShippedConfList)).Using<CniNetworkConfig>(
            (a, b) => a.ToJson().ToJsonString() == b.ToJson().ToJsonString()));
    }

    [Test]
    public void Stdin_carries_list_name_version_and_previous_result()
    {
        var network = CniNetworkConfig.Parse(ShippedConfList);
        var previous = new JsonObject { ["cniVersion"] = "0.4.0", ["ips"] = new JsonArray() };

        var stdin = network.StdinFor(network.Plugins[1], previous);

        Assert.That(stdin["type"]!.GetValue<string>(), Is.EqualTo("firewall"));
        Assert.That(stdin["name"]!.GetValue<string>(), Is.EqualTo("openfaas-cni-bridge"));
        Assert.That(stdin["cniVersion"]!.GetValue<string>(), Is.EqualTo("0.4.0"));
        Assert.That(stdin["prevResult"]!.ToJsonString(), Is.EqualTo(previous.ToJsonString()));
        Assert.That(network.Plugins[1].Config.ContainsKey("prevResult"), Is.False, "the stored config must not be changed");
    }

    [Test]
    public void First_plugin_gets_no_previous_result()
    {
        var network = CniNetworkConfig.Parse(ShippedConfList);

        Assert.That(network.StdinFor(network.Plugins[0], null).ContainsKey("prevResult"), Is.False);
    }

    [Test]
    public void Single_plugin_conf_is_read_as_a_list_of_one()
    {
        var network = CniNetworkConfig.Parse("""{"cniVersion":"1.0.0","name":"lo","type":"loopback"}""");

        Assert.That(network.Plugins.Select(plugin => plugin.Type), Is.EqualTo(new[] { "loopback" }));
    }

    [TestCase("""{"cniVersion":"0.4.0","plugins":[{"type":"bridge"}]}""", "\"name\"")]
    [TestCase("""{"name":"n","plugins":[{"type":"bridge"}]}""", "\"cniVersion\"")]
    [TestCase("""{"cniVersion":"0.4.0","name":"n"}""", "\"plugins\"")]
    [TestCase("""{"cniVersion":"0.4.0","name":"n","plugins":[]}""", "empty")]
    [TestCase("""{"cniVersion":"0.4.0","name":"n","plugins":[{"bridge":"x"}]}""", "plugin 0")]
    [TestCase("""{"cniVersion":"0.4.0","name":"n","plugins":[3]}""", "not a JSON object")]
    [TestCase("""{"cniVersion":""", "not valid JSON")]
    [TestCase("""[1,2]""", "JSON object")]
    public void Invalid_config_is_rejected_with_the_reason(string json, string reason)
    {
        var error = Assert.Throws<CniConfigException>(() => CniNetworkConfig.Parse(json));

        Assert.That(error!.Message, Does.Contain(reason));
    }
}
