namespace FaasD.Watchdog.Functions;

/// <summary>Serves one function invocation; one implementation per mode.</summary>
internal interface IFunctionHandler
{
    /// <param name="cancellationToken">Fires when the client goes away or <c>write_timeout</c> passes.</param>
    Task HandleAsync(HttpContext context, CancellationToken cancellationToken);
}
