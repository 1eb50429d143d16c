namespace FaasD.Watchdog.Functions;

/// <summary>Small helpers for the watchdog's own (non-function) answers.</summary>
internal static class ResponseText
{
    public const string DurationHeader = "X-Duration-Seconds";

    /// <summary>Seconds with six decimals, the format Go's <c>%f</c> gives upstream.</summary>
    public static string FormatDuration(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture);

    public static Task WriteAsync(HttpResponse response, int statusCode, string text, CancellationToken cancellationToken)
    {
        response.StatusCode = statusCode;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(text, cancellationToken);
    }
}
