namespace FaasD.Watchdog.Configuration;

/// <summary>A bad environment value: the watchdog refuses to start rather than guess.</summary>
internal sealed class InvalidConfigurationException : Exception
{
    public InvalidConfigurationException()
    {
    }

    public InvalidConfigurationException(string message) : base(message)
    {
    }

    public InvalidConfigurationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
