namespace FaasD.Images.Distribution.Auth;

/// <summary>A token server's answer (docker token auth spec: <c>token</c>; OAuth2: <c>access_token</c>).</summary>
internal sealed record TokenResponse
{
    [JsonPropertyName("token")]
    public string? Token { get; init; }

    [JsonPropertyName("access_token")]
    public string? AccessToken { get; init; }

    [JsonPropertyName("expires_in")]
    public int? ExpiresIn { get; init; }
}
