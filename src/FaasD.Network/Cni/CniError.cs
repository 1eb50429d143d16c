namespace FaasD.Network.Cni;

/// <summary>A plugin's error answer, <c>{"code": 7, "msg": "...", "details": "..."}</c>; Code is null when the plugin gave none.</summary>
public sealed record CniError(int? Code, string Message, string? Details)
{
    /// <summary>Spec code 3: the container is unknown or does not exist; on DEL that means there is nothing left to delete.</summary>
    public const int ContainerUnknown = 3;

    /// <summary>Spec code 11: a transient condition; the runtime may retry.</summary>
    public const int TryAgainLater = 11;

    /// <summary>
    /// Reads the error a failed plugin printed on stdout. Plugins that crash print nothing useful there,
    /// so stderr (or the exit code) becomes the message instead of a JSON parse error hiding the cause.
    /// </summary>
    public static CniError FromFailedRun(int exitCode, string stdout, string stderr)
    {
        if (TryParse(stdout) is { } parsed)
        {
            return parsed;
        }

        var text = !string.IsNullOrWhiteSpace(stderr) ? stderr.Trim()
            : !string.IsNullOrWhiteSpace(stdout) ? stdout.Trim()
            : $"exited with code {exitCode} and no output";
        return new CniError(null, text, null);
    }

    public static CniError? TryParse(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            if (JsonNode.Parse(json) is not JsonObject error || error["msg"] is not JsonValue msg)
            {
                return null;
            }

            int? code = error["code"] is JsonValue codeValue && codeValue.TryGetValue<int>(out var number) ? number : null;
            return new CniError(code, msg.ToString(), error["details"]?.ToString());
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
