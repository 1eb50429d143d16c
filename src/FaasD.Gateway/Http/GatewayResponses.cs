namespace FaasD.Gateway.Http;

/// <summary>Response shapes of the OpenFaaS API: Go <c>http.Error</c> plain text, JSON, and empty 200s.</summary>
internal static class GatewayResponses
{
    public const string PlainTextUtf8 = "text/plain; charset=utf-8";
    public const string Json = "application/json";

    /// <summary>Like Go's <c>http.Error</c>: text/plain, nosniff, the message plus a newline, on one line.</summary>
    public static Task WriteErrorAsync(HttpContext context, int statusCode, string message)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = PlainTextUtf8;
        response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        return response.WriteAsync(OneLine(message) + "\n", context.RequestAborted);
    }

    /// <summary>Answers 400 with the caller's mistake when there is one (a name check's problem); true when it did.</summary>
    public static async Task<bool> RejectAsync(HttpContext context, string? problem)
    {
        if (problem is null)
        {
            return false;
        }

        await WriteErrorAsync(context, StatusCodes.Status400BadRequest, problem);
        return true;
    }

    public static Task WriteJsonAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo, int statusCode = StatusCodes.Status200OK)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = Json;
        return JsonSerializer.SerializeAsync(response.Body, value, typeInfo, context.RequestAborted);
    }

    /// <summary>Empty-body success (faasd never writes a body for deploy/update/delete/scale/secret writes).</summary>
    public static void Status(HttpContext context, int statusCode) => context.Response.StatusCode = statusCode;

    internal static string OneLine(string message) =>
        message.Contains('\n', StringComparison.Ordinal) || message.Contains('\r', StringComparison.Ordinal)
            ? message.ReplaceLineEndings(" ").Trim()
            : message;
}
