namespace FaasD.Network.Cni;

/// <summary>The network configuration cannot be used: unreadable, malformed, or naming a plugin that is not installed.</summary>
public sealed class CniConfigException : NetworkException
{
    public CniConfigException(string message) : base(message) { }

    public CniConfigException(string message, Exception innerException) : base(message, innerException) { }
}
