using System.Text;
using FaasD.Containerd.Specs;
using NUnit.Framework;

namespace FaasD.Containerd.Tests.Specs;

public sealed class OciSpecAnyTests
{
    private const string SpecJson = """{"ociVersion":"1.0.2","process":{"args":["/bin/sh"]}}""";

    [Test]
    public void SpecIsPackedAsJsonUnderContainerdsTypeUrl()
    {
        var packed = OciSpecAny.PackSpec(Encoding.UTF8.GetBytes(SpecJson));

        Assert.Multiple(() =>
        {
            Assert.That(packed.TypeUrl, Is.EqualTo("types.containerd.io/opencontainers/runtime-spec/1/Spec"));
            Assert.That(packed.Value.ToStringUtf8(), Is.EqualTo(SpecJson));
        });
    }

    [Test]
    public void ProcessAndResourcesUseTheirOwnTypeUrls()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OciSpecAny.PackProcess("{}"u8).TypeUrl, Is.EqualTo("types.containerd.io/opencontainers/runtime-spec/1/Process"));
            Assert.That(OciSpecAny.PackLinuxResources("{}"u8).TypeUrl, Is.EqualTo("types.containerd.io/opencontainers/runtime-spec/1/LinuxResources"));
        });
    }

    [Test]
    public void UnpackReturnsTheJsonOfTheExpectedType()
    {
        var packed = OciSpecAny.PackSpec(Encoding.UTF8.GetBytes(SpecJson));

        Assert.That(OciSpecAny.UnpackJsonString(packed, OciSpecAny.SpecTypeUrl), Is.EqualTo(SpecJson));
    }

    [Test]
    public void UnpackRejectsAnotherType()
    {
        var packed = OciSpecAny.PackProcess("{}"u8);

        Assert.Throws<InvalidDataException>(() => OciSpecAny.UnpackJson(packed, OciSpecAny.SpecTypeUrl));
    }
}
