using FaasD.Runtime.Cgroups;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Cgroups;

public sealed class FreezerStateParserTests
{
    [TestCase("THAWED\n", "Thawed")]
    [TestCase("FREEZING\n", "Freezing")]
    [TestCase("FROZEN\n", "Frozen")]
    [TestCase("FROZEN", "Frozen")]
    public void V1_state_file(string content, string expected)
    {
        Assert.That(FreezerStateParser.ParseV1State(content).ToString(), Is.EqualTo(expected));
    }

    [Test]
    public void V1_unknown_state_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => FreezerStateParser.ParseV1State("MELTING\n"));
    }

    [TestCase("populated 1\nfrozen 1\n", "1\n", "Frozen")]
    [TestCase("populated 1\nfrozen 0\n", "1\n", "Freezing")]
    [TestCase("populated 1\nfrozen 0\n", "0\n", "Thawed")]
    [TestCase("populated 0\n", "0\n", "Thawed")]
    public void V2_events_and_freeze_request(string events, string freeze, string expected)
    {
        Assert.That(FreezerStateParser.ParseV2State(events, freeze).ToString(), Is.EqualTo(expected));
    }

    [TestCase("populated 1\nfrozen 1\n", true)]
    [TestCase("frozen 1", true)]
    [TestCase("populated 1\nfrozen 0\n", false)]
    [TestCase("", false)]
    public void V2_frozen_line(string events, bool frozen)
    {
        Assert.That(FreezerStateParser.IsFrozen(events), Is.EqualTo(frozen));
    }
}
