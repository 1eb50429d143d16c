namespace FaasD.Gateway.Metrics;

/// <summary>
/// The platform's <see cref="IFunctionUsage"/> when the host registered one (a gateway over a platform without
/// cgroups simply reports no usage). Read failures are not the caller's problem: usage is then absent.
/// </summary>
internal sealed partial class FunctionUsageSource(IServiceProvider services, ILogger<FunctionUsageSource> logger)
{
    private readonly IFunctionUsage? _usage = services.GetService<IFunctionUsage>();

    public async Task<FunctionUsage?> GetAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        if (_usage is null)
        {
            return null;
        }

        try
        {
            return await _usage.GetUsageAsync(@namespace, name, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            // A cgroup vanishing mid-read (the task just stopped) reads as "no usage", not as a failed list.
            LogUsageUnreadable(logger, name, @namespace, ex.Message);
            return null;
        }
    }

    [LoggerMessage(EventId = LogEvents.UsageUnreadable, Level = LogLevel.Debug, Message = "Usage of {Name}.{Namespace} could not be read: {Reason}")] private static partial void LogUsageUnreadable(ILogger logger, string name, string @namespace, string reason);
}
