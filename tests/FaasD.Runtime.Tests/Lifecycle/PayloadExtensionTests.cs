using FaasD.Runtime.Lifecycle;
using Google.Protobuf.WellKnownTypes;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Lifecycle;

public sealed class PayloadExtensionTests
{
    [Test]
    public void Payload_round_trips()
    {
        var payload = new byte[] { 1, 2, 3, 0, 255 };

        var unpacked = PayloadExtension.Unpack(new Dictionary<string, Any> { [PayloadExtension.Key] = PayloadExtension.Pack(payload) });

        Assert.That(unpacked.ToArray(), Is.EqualTo(payload));
    }

    [Test]
    public void Missing_or_foreign_extension_is_an_empty_payload()
    {
        var foreign = new Any { TypeUrl = "example.com/other", Value = Google.Protobuf.ByteString.CopyFromUtf8("x") };

        Assert.Multiple(() =>
        {
            Assert.That(PayloadExtension.Unpack(new Dictionary<string, Any>()).IsEmpty, Is.True);
            Assert.That(PayloadExtension.Unpack(new Dictionary<string, Any> { [PayloadExtension.Key] = foreign }).IsEmpty, Is.True);
        });
    }
}
