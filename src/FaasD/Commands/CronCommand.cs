using System.Net.Http.Headers;
using System.Text.Json;

namespace FaasD.Commands;

/// <summary>
/// `faasd cron ls`: the running daemon's schedules and when each fires next, read from its
/// <c>GET /system/triggers</c> with the credentials in the state directory.
/// </summary>
internal static class CronCommand
{
    public static Command Create()
    {
        var gateway = new Option<string>("--gateway")
        {
            Description = "The daemon's gateway URL. [env FAASD_PORT picks the port]",
            DefaultValueFactory = _ => $"http://127.0.0.1:{(Environment.GetEnvironmentVariable("FAASD_PORT") is { Length: > 0 } port ? port : "8080")}",
        };
        var stateDir = new Option<string>("--state-dir")
        {
            Description = "Where the basic-auth credentials are. [env FAASD_STATE_DIR]",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FAASD_STATE_DIR") is { Length: > 0 } dir ? dir : "/var/lib/faasd",
        };
        var ls = new Command("ls", "List scheduled functions with their next run.") { gateway, stateDir };
        ls.SetAction((result, cancellationToken) => ListAsync(result.GetValue(gateway)!, result.GetValue(stateDir)!, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken));
        return new Command("cron", "Cron triggers of the running daemon.") { ls };
    }

    private static async Task<int> ListAsync(string gateway, string stateDir, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string user, password;
        try
        {
            var secrets = Path.Combine(stateDir, "secrets");
            user = (await File.ReadAllTextAsync(Path.Combine(secrets, "basic-auth-user"), cancellationToken)).Trim();
            password = (await File.ReadAllTextAsync(Path.Combine(secrets, "basic-auth-password"), cancellationToken)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"cannot read the gateway credentials under {stateDir}/secrets ({ex.Message}); run as root or pass --state-dir");
            return 1;
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        JsonDocument document;
        try
        {
            using var response = await client.GetAsync(new Uri(new Uri(gateway), "/system/triggers"), cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                await error.WriteLineAsync($"{gateway}/system/triggers answered {(int)response.StatusCode}: {(await response.Content.ReadAsStringAsync(cancellationToken)).Trim()}");
                return 1;
            }

            document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or UriFormatException && !cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"cannot reach the daemon at {gateway}: {ex.Message}");
            return 1;
        }

        using (document)
        {
            await output.WriteLineAsync($"{"FUNCTION",-40} {"SCHEDULE",-32} {"NEXT RUN (UTC)",-20} {"LAST RUN (UTC)",-20} {"STATUS",6}");
            foreach (var trigger in document.RootElement.EnumerateArray().Where(t => t.GetProperty("kind").GetString() == "cron"))
            {
                var function = $"{trigger.GetProperty("function").GetString()}.{trigger.GetProperty("namespace").GetString()}";
                await output.WriteLineAsync(
                    $"{function,-40} {trigger.GetProperty("source").GetString(),-32} {Time(trigger, "nextRun"),-20} {Time(trigger, "lastRun"),-20} {Status(trigger),6}");
            }
        }

        return 0;
    }

    private static string Time(JsonElement trigger, string property) =>
        trigger.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : "-";

    private static string Status(JsonElement trigger) =>
        trigger.TryGetProperty("lastStatus", out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32().ToString(CultureInfo.InvariantCulture) : "-";
}
