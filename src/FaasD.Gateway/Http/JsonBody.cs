namespace FaasD.Gateway.Http;

/// <summary>The outcome of reading a JSON request body: a value, or the status and one-line reason to answer with.</summary>
internal readonly record struct JsonBodyResult<T>(T? Value, int ErrorStatus, string? Error)
    where T : class
{
    public bool Succeeded => Value is not null;
}

/// <summary>Reads <c>/system/*</c> JSON bodies with Go decoding rules (see the JSON context) and a size limit.</summary>
internal static class JsonBody
{
    public static async Task<JsonBodyResult<T>> ReadAsync<T>(
        HttpContext context, JsonTypeInfo<T> typeInfo, long maxBytes, int malformedStatus = StatusCodes.Status400BadRequest)
        where T : class
    {
        var request = context.Request;
        if (request.ContentLength > maxBytes)
        {
            return TooLarge<T>(maxBytes);
        }

        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = maxBytes;
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, context.RequestAborted);
            return value is null
                ? new JsonBodyResult<T>(null, malformedStatus, "request body must be a JSON object")
                : new JsonBodyResult<T>(value, 0, null);
        }
        catch (JsonException ex)
        {
            return new JsonBodyResult<T>(null, malformedStatus, "invalid JSON body: " + ex.Message);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge<T>(maxBytes);
        }
    }

    /// <summary><see cref="ReadAsync"/>, answering a body it cannot use itself: null when it did.</summary>
    public static async Task<T?> ReadOrAnswerAsync<T>(
        HttpContext context, JsonTypeInfo<T> typeInfo, long maxBytes, int malformedStatus = StatusCodes.Status400BadRequest)
        where T : class
    {
        var body = await ReadAsync(context, typeInfo, maxBytes, malformedStatus);
        if (!body.Succeeded)
        {
            await GatewayResponses.WriteErrorAsync(context, body.ErrorStatus, body.Error!);
        }

        return body.Value;
    }

    private static JsonBodyResult<T> TooLarge<T>(long maxBytes)
        where T : class =>
        new(null, StatusCodes.Status413PayloadTooLarge, $"request body larger than {maxBytes} bytes");
}
