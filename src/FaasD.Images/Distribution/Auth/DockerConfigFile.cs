namespace FaasD.Images.Distribution.Auth;

/// <summary>The part of docker's <c>config.json</c> that holds registry logins.</summary>
internal sealed record DockerConfigFile
{
    [JsonPropertyName("auths")]
    public Dictionary<string, DockerConfigAuth>? Auths { get; init; }
}

internal sealed record DockerConfigAuth
{
    /// <summary>base64 of <c>username:password</c>.</summary>
    [JsonPropertyName("auth")]
    public string? Auth { get; init; }

    [JsonPropertyName("username")]
    public string? Username { get; init; }

    [JsonPropertyName("password")]
    public string? Password { get; init; }

    [JsonPropertyName("identitytoken")]
    public string? IdentityToken { get; init; }
}
