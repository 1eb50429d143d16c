namespace FaasD.Systemd;

/// <summary>The peer answered a call with an error reply, e.g. <c>org.freedesktop.systemd1.NoSuchUnit</c>.</summary>
public sealed class DBusErrorException : Exception
{
    public DBusErrorException(string errorName, string message)
        : base($"{errorName}: {message}")
    {
        ErrorName = errorName;
        ErrorMessage = message;
    }

    public DBusErrorException()
        : this("org.freedesktop.DBus.Error.Failed", "unknown error")
    {
    }

    public DBusErrorException(string message)
        : this("org.freedesktop.DBus.Error.Failed", message)
    {
    }

    public DBusErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorName = "org.freedesktop.DBus.Error.Failed";
        ErrorMessage = message;
    }

    /// <summary>The error's D-Bus name; callers compare names, never message text.</summary>
    public string ErrorName { get; }

    public string ErrorMessage { get; }
}

/// <summary>The bytes on the wire broke the D-Bus protocol, or authentication failed.</summary>
public sealed class DBusProtocolException : Exception
{
    public DBusProtocolException()
    {
    }

    public DBusProtocolException(string message)
        : base(message)
    {
    }

    public DBusProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
