namespace FaasD.Network;

/// <summary>Any failure to set up or tear down a container's network: namespace syscalls, CNI config, plugins.</summary>
public class NetworkException : Exception
{
    public NetworkException(string message) : base(message) { }

    public NetworkException(string message, Exception innerException) : base(message, innerException) { }
}
