namespace FaasD.Gateway.Http;

/// <summary>The one place where a <see cref="FunctionErrorKind"/> becomes an HTTP status.</summary>
internal static class PlatformErrors
{
    /// <param name="kind">What the platform reported.</param>
    /// <param name="alreadyExistsStatus">409 by default; the function deploy contract answers 400 (faasd).</param>
    public static int StatusFor(FunctionErrorKind kind, int alreadyExistsStatus = StatusCodes.Status409Conflict) => kind switch
    {
        FunctionErrorKind.Invalid => StatusCodes.Status400BadRequest,
        FunctionErrorKind.NotFound => StatusCodes.Status404NotFound,
        FunctionErrorKind.AlreadyExists => alreadyExistsStatus,
        FunctionErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        FunctionErrorKind.Timeout => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Writes the error; <paramref name="notFoundMessage"/> replaces the text of a NotFound where the contract fixes it.</summary>
    public static Task WriteAsync(
        HttpContext context,
        FunctionPlatformException exception,
        int alreadyExistsStatus = StatusCodes.Status409Conflict,
        string? notFoundMessage = null)
    {
        var status = StatusFor(exception.Kind, alreadyExistsStatus);
        var message = exception.Kind == FunctionErrorKind.NotFound && notFoundMessage is not null
            ? notFoundMessage
            : exception.Message;
        return GatewayResponses.WriteErrorAsync(context, status, message);
    }
}
