namespace FaasD.Gateway.Logs;

/// <summary>
/// GET /system/logs (contract §10): headers flushed at once, then one JSON message per line, flushed per line,
/// until the source ends (no follow) or the client goes away. Bad <c>tail</c>/<c>since</c> → 422.
/// </summary>
internal sealed partial class LogsEndpoints(
    ILogSource source,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<LogsEndpoints> logger) : ISystemEndpoints
{
    internal const string ParseError = "could not parse the log request";
    internal const string SourceError = "function log request failed";

    /// <summary>How long the first read may take before the 200 headers go out regardless.</summary>
    internal static readonly TimeSpan HeaderGrace = TimeSpan.FromMilliseconds(200);

    private static readonly byte[] s_newLine = "\n"u8.ToArray();

    private readonly string _defaultNamespace = options.Value.DefaultNamespace;
    private readonly TimeSpan _defaultWindow = options.Value.DefaultLogWindow;

    /// <summary>Maps onto the authenticated <c>/system</c> group.</summary>
    public void Map(IEndpointRouteBuilder system) => system.MapGet("/logs", StreamAsync);

    internal async Task StreamAsync(HttpContext context)
    {
        var request = TryParse(context.Request.Query, _defaultNamespace, time.GetUtcNow() - _defaultWindow);
        if (request is null)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status422UnprocessableEntity, ParseError);
            return;
        }

        // The names become file names below the source; refuse what is not a name before it gets there.
        if (await GatewayResponses.RejectAsync(context, Names.FunctionNameProblem(request.Name) ?? Names.NamespaceNameProblem(request.Namespace)))
        {
            return;
        }

        var response = context.Response;
        var cancellation = context.RequestAborted;
        await using var entries = source.ReadAsync(request, cancellation).GetAsyncEnumerator(cancellation);
        bool hasEntry;
        try
        {
            // Give the source a moment to fail (→ 500) or produce; then commit to 200 and flush the headers,
            // so a follow stream with nothing to say yet still shows the caller it is connected.
            var first = entries.MoveNextAsync();
            if (!first.IsCompleted)
            {
                var firstTask = first.AsTask();
                var winner = await Task.WhenAny(firstTask, Task.Delay(HeaderGrace, time, cancellation));
                if (winner != firstTask)
                {
                    await StartStreamAsync(context);
                }

                hasEntry = await firstTask;
            }
            else
            {
                hasEntry = await first;
            }

            if (!response.HasStarted)
            {
                await StartStreamAsync(context);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !response.HasStarted)
        {
            Log.SourceFailed(logger, request.Name, request.Namespace, ex);
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, SourceError);
            return;
        }

        var writer = new Utf8JsonWriter(response.BodyWriter);
        var message = new LogMessageDto();
        try
        {
            while (hasEntry)
            {
                var entry = entries.Current;
                message.Name = entry.Name;
                message.Namespace = entry.Namespace;
                message.Instance = entry.Instance;
                message.Timestamp = entry.Timestamp;
                message.Text = entry.Text;
                writer.Reset(response.BodyWriter);
                JsonSerializer.Serialize(writer, message, GatewayJsonContext.Default.LogMessageDto);
                writer.Flush();
                response.BodyWriter.Write(s_newLine);
                var flushed = await response.BodyWriter.FlushAsync(cancellation);
                if (flushed.IsCanceled || flushed.IsCompleted)
                {
                    break;
                }

                hasEntry = await entries.MoveNextAsync();
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The client went away (faas-cli logs is stopped with Ctrl-C): the normal end of a follow stream.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Headers are gone; all we can do is end the stream early.
            Log.SourceFailed(logger, request.Name, request.Namespace, ex);
            context.Abort();
        }
        finally
        {
            await writer.DisposeAsync();
        }
    }

    private static async Task StartStreamAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/x-ndjson";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(context.RequestAborted);
        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <summary>faas-provider's query parsing: follow via Go ParseBool (invalid → false), tail integer, since RFC 3339.</summary>
    internal static LogRequest? TryParse(IQueryCollection query, string defaultNamespace, DateTimeOffset defaultSince)
    {
        var tail = 0;
        var tailText = query["tail"].ToString();
        if (tailText.Length > 0 && !int.TryParse(tailText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out tail))
        {
            return null;
        }

        DateTimeOffset since = defaultSince;
        var sinceText = query["since"].ToString();
        if (sinceText.Length > 0 && !Rfc3339.TryParse(sinceText, out since))
        {
            return null;
        }

        var ns = query["namespace"].ToString();
        return new LogRequest(
            Name: query["name"].ToString(),
            Namespace: ns.Length > 0 ? ns : defaultNamespace,
            Follow: ParseGoBool(query["follow"].ToString()),
            Tail: tail,
            Since: since);
    }

    internal static bool ParseGoBool(string value) => value is "1" or "t" or "T" or "true" or "TRUE" or "True";

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.LogSourceFailed, Level = LogLevel.Warning, Message = "Reading logs of {Name}.{Namespace} failed")] public static partial void SourceFailed(ILogger logger, string name, string @namespace, Exception exception);
    }
}
