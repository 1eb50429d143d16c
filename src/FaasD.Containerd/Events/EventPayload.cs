using System.Diagnostics.CodeAnalysis;

namespace FaasD.Containerd.Events;

/// <summary>
/// Unpacks the payload of an event <c>Envelope</c>. containerd marks event payloads with the bare message name
/// (<c>containerd.events.TaskExit</c>, no <c>type.googleapis.com/</c> prefix), which <see cref="Any.Unpack{T}"/> rejects.
/// </summary>
public static class EventPayload
{
    /// <summary>The message when <paramref name="packed"/> holds a <typeparamref name="T"/>; false for any other type.</summary>
    public static bool TryUnpack<T>(Any? packed, [NotNullWhen(true)] out T? message)
        where T : class, IMessage<T>, new()
    {
        if (packed is null || TypeName(packed.TypeUrl) != FullName<T>.Value)
        {
            message = null;
            return false;
        }

        message = new T();
        message.MergeFrom(packed.Value);
        return true;
    }

    /// <summary>The protobuf message name an Any's type URL refers to, with or without a URL prefix.</summary>
    public static string TypeName(string typeUrl) => typeUrl[(typeUrl.LastIndexOf('/') + 1)..];

    private static class FullName<T>
        where T : class, IMessage<T>, new()
    {
        public static readonly string Value = new T().Descriptor.FullName;
    }
}
