using System.Net.Http.Headers;
using System.Text.Json;

namespace FaasD.Commands;

/// <summary>`faasd queue`: async calls waiting and running per function, read from the daemon's <c>GET /system/queue</c>.</summary>
internal static class QueueCommand
{
    public static Command Create()
    {
        var defaults = new DaemonSettings();
        var stateDir = new Option<string>("--state-dir")
        {
            Description = "State directory of the daemon (for its basic-auth credentials). [env FAASD_STATE_DIR]",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FAASD_STATE_DIR") is { Length: > 0 } s ? s : defaults.StateDir,
        };
        var gateway = new Option<string>("--gateway", "-g")
        {
            Description = "The daemon's address. [default http://127.0.0.1:$FAASD_PORT, else :8080]",
            DefaultValueFactory = _ => $"http://127.0.0.1:{(Environment.GetEnvironmentVariable("FAASD_PORT") is { Length: > 0 } p ? p : "8080")}",
        };
        var command = new Command("queue", "Show async calls queued and running per function.") { stateDir, gateway };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(stateDir)!, result.GetValue(gateway)!, result.InvocationConfiguration, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string stateDir, string gateway, InvocationConfiguration console, CancellationToken cancellationToken)
    {
        var settings = new DaemonSettings { StateDir = stateDir };
        try
        {
            var user = (await File.ReadAllTextAsync(StateDirectory.UserFile(settings), cancellationToken)).Trim();
            var password = (await File.ReadAllTextAsync(StateDirectory.PasswordFile(settings), cancellationToken)).Trim();
            using var client = new HttpClient { BaseAddress = new Uri(gateway), Timeout = TimeSpan.FromSeconds(10) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
            using var response = await client.GetAsync("/system/queue", cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                console.Error.WriteLine($"faasd: {gateway}/system/queue answered {(int)response.StatusCode}: {text.Trim()}");
                return 1;
            }

            using var document = JsonDocument.Parse(text);
            console.Output.WriteLine($"{"FUNCTION",-40} {"NAMESPACE",-20} {"QUEUED",8} {"RUNNING",8}");
            foreach (var row in document.RootElement.EnumerateArray())
            {
                console.Output.WriteLine(
                    $"{row.GetProperty("name").GetString(),-40} {row.GetProperty("namespace").GetString(),-20} {row.GetProperty("queued").GetInt64(),8} {row.GetProperty("running").GetInt64(),8}");
            }

            return 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException or JsonException or UriFormatException or KeyNotFoundException)
        {
            console.Error.WriteLine($"faasd: {ex.Message}");
            return 1;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            console.Error.WriteLine($"faasd: {gateway} did not answer within 10 s");
            return 1;
        }
    }
}
