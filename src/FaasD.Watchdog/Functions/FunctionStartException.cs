namespace FaasD.Watchdog.Functions;

/// <summary><c>fprocess</c> could not be started (missing program, not executable).</summary>
internal sealed class FunctionStartException : Exception
{
    public FunctionStartException()
    {
    }

    public FunctionStartException(string message) : base(message)
    {
    }

    public FunctionStartException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
