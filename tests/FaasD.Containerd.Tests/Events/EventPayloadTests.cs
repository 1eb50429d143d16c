using FaasD.Containerd.Api.Events;
using FaasD.Containerd.Events;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using NUnit.Framework;

namespace FaasD.Containerd.Tests.Events;

public sealed class EventPayloadTests
{
    /// <summary>What containerd puts in Envelope.event: the bare message name as type URL.</summary>
    private static Any AsContainerdPacksIt(IMessage message) =>
        new() { TypeUrl = message.Descriptor.FullName, Value = message.ToByteString() };

    [Test]
    public void UnpacksContainerdsBareTypeName()
    {
        var packed = AsContainerdPacksIt(new TaskExit { ContainerId = "figlet", Pid = 42, ExitStatus = 137 });

        Assert.Multiple(() =>
        {
            Assert.That(packed.TypeUrl, Is.EqualTo("containerd.events.TaskExit"));
            Assert.That(packed.TryUnpack<TaskExit>(out _), Is.False, "why EventPayload exists: protobuf's own unpack wants a URL prefix");
            Assert.That(EventPayload.TryUnpack<TaskExit>(packed, out var exit), Is.True);
            Assert.That(exit!.ContainerId, Is.EqualTo("figlet"));
            Assert.That(exit.ExitStatus, Is.EqualTo(137));
        });
    }

    [Test]
    public void UnpacksAPrefixedTypeUrlToo()
    {
        var packed = Any.Pack(new NamespaceCreate { Name = "openfaas-fn" });

        Assert.That(EventPayload.TryUnpack<NamespaceCreate>(packed, out var created) && created.Name == "openfaas-fn", Is.True);
    }

    [Test]
    public void OtherEventTypesAreNotUnpacked()
    {
        var packed = AsContainerdPacksIt(new TaskStart { ContainerId = "figlet" });

        Assert.Multiple(() =>
        {
            Assert.That(EventPayload.TryUnpack<TaskExit>(packed, out _), Is.False);
            Assert.That(EventPayload.TryUnpack<TaskExit>(null, out _), Is.False);
        });
    }

    [Test]
    public void ImageEventsCarryTheImagesServicePackage()
    {
        // containerd declares image events in containerd.services.images.v1, so that is the name on the wire.
        Assert.That(ImageCreate.Descriptor.FullName, Is.EqualTo("containerd.services.images.v1.ImageCreate"));
    }
}
