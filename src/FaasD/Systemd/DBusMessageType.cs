namespace FaasD.Systemd;

/// <summary>The message types of the D-Bus wire protocol (the second header byte).</summary>
public enum DBusMessageType : byte
{
    Invalid = 0,
    MethodCall = 1,
    MethodReturn = 2,
    Error = 3,
    Signal = 4,
}

/// <summary>Header field codes; each field is a (code, variant) struct in the header's array.</summary>
public static class DBusHeaderField
{
    public const byte Path = 1;
    public const byte Interface = 2;
    public const byte Member = 3;
    public const byte ErrorName = 4;
    public const byte ReplySerial = 5;
    public const byte Destination = 6;
    public const byte Sender = 7;
    public const byte Signature = 8;
    public const byte UnixFds = 9;
}
