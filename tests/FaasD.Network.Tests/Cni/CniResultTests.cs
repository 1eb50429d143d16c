using System.Net;
using FaasD.Network.Cni;
using NUnit.Framework;

namespace FaasD.Network.Tests.Cni;

public sealed class CniResultTests
{
    // What the bridge plugin (v1.1.1) printed for a 0.4.0 ADD on this machine.
    private const string Bridge040 = """
        {
          "cniVersion": "0.4.0",
          "interfaces": [
            { "name": "faasdtest0", "mac": "ce:e6:b1:00:41:8c" },
            { "name": "vetheb29561b", "mac": "46:d8:13:a9:05:2d" },
            { "name": "eth0", "mac": "82:b8:68:4e:64:b5", "sandbox": "/var/run/netns/exp1" }
          ],
          "ips": [ { "version": "4", "interface": 2, "address": "10.63.0.2/16", "gateway": "10.63.0.1" } ],
          "routes": [ { "dst": "0.0.0.0/0" } ],
          "dns": {}
        }
        """;

    // 1.0.0 drops "version" from ips; here an IPv6 comes first to prove the family is read from the address.
    private const string Bridge100 = """
        {
          "cniVersion": "1.0.0",
          "interfaces": [
            { "name": "openfaas0", "mac": "ce:e6:b1:00:41:8c" },
            { "name": "veth1", "mac": "46:d8:13:a9:05:2d" },
            { "name": "eth0", "mac": "82:b8:68:4e:64:b5", "sandbox": "/var/run/netns/f" }
          ],
          "ips": [
            { "interface": 2, "address": "fd00::5/64", "gateway": "fd00::1" },
            { "interface": 2, "address": "10.62.0.7/16", "gateway": "10.62.0.1" }
          ]
        }
        """;

    [Test]
    public void Reads_the_0_4_0_shape()
    {
        var result = CniResult.Parse(Bridge040);

        Assert.That(result.CniVersion, Is.EqualTo("0.4.0"));
        Assert.That(result.Interfaces.Select(item => item.Name), Is.EqualTo(new[] { "faasdtest0", "vetheb29561b", "eth0" }));
        Assert.That(result.Interfaces[2].Sandbox, Is.EqualTo("/var/run/netns/exp1"));
        Assert.That(result.Interfaces[1].Sandbox, Is.Null);
        Assert.That(result.Ips, Has.Count.EqualTo(1));
        Assert.That(result.Ips[0], Is.EqualTo(new CniIpConfig(IPAddress.Parse("10.63.0.2"), 16, IPAddress.Parse("10.63.0.1"), 2)));
        Assert.That(result.ContainerIPv4(), Is.EqualTo(IPAddress.Parse("10.63.0.2")));
    }

    [Test]
    public void Reads_the_1_0_0_shape_and_picks_the_IPv4()
    {
        var result = CniResult.Parse(Bridge100);

        Assert.That(result.CniVersion, Is.EqualTo("1.0.0"));
        Assert.That(result.Ips, Has.Count.EqualTo(2));
        Assert.That(result.Ips[0].Address, Is.EqualTo(IPAddress.Parse("fd00::5")));
        Assert.That(result.ContainerIPv4(), Is.EqualTo(IPAddress.Parse("10.62.0.7")));
    }

    [Test]
    public void Prefers_the_address_on_the_sandbox_interface()
    {
        var result = CniResult.Parse("""
            {"cniVersion":"1.0.0",
             "interfaces":[{"name":"br"},{"name":"eth0","sandbox":"/n"}],
             "ips":[{"interface":0,"address":"10.0.0.1/24"},{"interface":1,"address":"10.0.0.9/24"}]}
            """);

        Assert.That(result.ContainerIPv4(), Is.EqualTo(IPAddress.Parse("10.0.0.9")));
    }

    [Test]
    public void Falls_back_to_the_first_IPv4_when_no_interface_is_named()
    {
        var result = CniResult.Parse("""{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.1.2.3/8"}]}""");

        Assert.That(result.ContainerIPv4(), Is.EqualTo(IPAddress.Parse("10.1.2.3")));
    }

    [Test]
    public void No_IPv4_gives_null()
    {
        Assert.That(CniResult.Parse("""{"cniVersion":"1.0.0","interfaces":[{"name":"lo","sandbox":"/n"}]}""").ContainerIPv4(), Is.Null);
    }

    [TestCase("""{"cniVersion":"1.0.0","ips":[{"address":"10.0.0.1"}]}""", "CIDR")]
    [TestCase("""{"cniVersion":"1.0.0","ips":[{"gateway":"10.0.0.1"}]}""", "\"address\"")]
    [TestCase("not json", "not valid JSON")]
    public void Malformed_result_is_rejected(string json, string reason)
    {
        var error = Assert.Throws<CniConfigException>(() => CniResult.Parse(json));

        Assert.That(error!.Message, Does.Contain(reason));
    }

    [Test]
    public void Raw_json_is_kept_for_chaining()
    {
        var result = CniResult.Parse(Bridge040);

        Assert.That(result.Raw["dns"], Is.Not.Null);
        Assert.That(result.Raw["routes"]![0]!["dst"]!.GetValue<string>(), Is.EqualTo("0.0.0.0/0"));
    }
}
