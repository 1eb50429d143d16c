namespace FaasD.Systemd.Manager;

/// <summary>Neither the system bus nor systemd's private socket accepted a connection.</summary>
public sealed class SystemdUnreachableException : Exception
{
    public SystemdUnreachableException()
    {
    }

    public SystemdUnreachableException(string message)
        : base(message)
    {
    }

    public SystemdUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
