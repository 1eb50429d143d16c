using System.Collections.Concurrent;
using System.Net.Http.Headers;

namespace FaasD.Images.Distribution.Auth;

/// <summary>
/// Answers a registry's <c>WWW-Authenticate</c> challenge and remembers the answer per registry and repository:
/// <list type="bullet">
/// <item><c>Basic</c>: the configured username and password.</item>
/// <item><c>Bearer</c>: a token from the challenge's realm for <c>scope=repository:&lt;repo&gt;:pull</c> — anonymous,
/// with basic credentials on a GET, or with an identity token as an OAuth2 refresh-token POST.</item>
/// </list>
/// </summary>
internal sealed class RegistryAuthenticator(HttpClient http, TimeProvider timeProvider)
{
    /// <summary>The docker token spec's default when the server names no lifetime.</summary>
    private static readonly TimeSpan s_defaultTokenLifetime = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, (AuthenticationHeaderValue Header, DateTimeOffset ExpiresAt)> _cache = new(StringComparer.Ordinal);

    public AuthenticationHeaderValue? Cached(string host, string repository) =>
        _cache.TryGetValue(Key(host, repository), out var entry) && entry.ExpiresAt > timeProvider.GetUtcNow() ? entry.Header : null;

    public void Forget(string host, string repository) => _cache.TryRemove(Key(host, repository), out _);

    public async Task<AuthenticationHeaderValue> AuthenticateAsync(
        string host,
        string repository,
        IReadOnlyList<AuthChallenge> challenges,
        RegistryCredential? credential,
        string reference,
        CancellationToken cancellationToken)
    {
        AuthenticationHeaderValue header;
        DateTimeOffset expiresAt;
        if (challenges.FirstOrDefault(challenge => challenge.IsBearer) is { } bearer)
        {
            (header, expiresAt) = await FetchTokenAsync(bearer, repository, credential, reference, cancellationToken);
        }
        else if (challenges.Any(challenge => challenge.IsBasic))
        {
            if (credential is not { HasPassword: true })
            {
                throw Unauthorized(reference, $"registry {host} wants a username and password and none is configured for it");
            }

            header = BasicHeader(credential);
            expiresAt = DateTimeOffset.MaxValue;
        }
        else
        {
            var offered = challenges.Count == 0 ? "no challenge" : string.Join(", ", challenges.Select(challenge => challenge.Scheme));
            throw Unauthorized(reference, $"registry {host} answered 401 with {offered}; only Basic and Bearer are supported");
        }

        _cache[Key(host, repository)] = (header, expiresAt);
        return header;
    }

    private async Task<(AuthenticationHeaderValue Header, DateTimeOffset ExpiresAt)> FetchTokenAsync(
        AuthChallenge challenge,
        string repository,
        RegistryCredential? credential,
        string reference,
        CancellationToken cancellationToken)
    {
        if (challenge.Parameter("realm") is not { Length: > 0 } realm || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri))
        {
            throw Unauthorized(reference, "the registry's Bearer challenge has no usable realm");
        }

        var service = challenge.Parameter("service");
        var scope = challenge.Parameter("scope") is { Length: > 0 } offered ? offered : $"repository:{repository}:pull";

        using var request = credential is { HasIdentityToken: true }
            ? RefreshTokenRequest(realmUri, service, scope, credential.IdentityToken!)
            : TokenGetRequest(realmUri, service, scope, credential);

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw Unauthorized(reference, $"token server {realmUri.Host} refused the {(credential is null ? "anonymous" : "configured")} credentials ({(int)response.StatusCode})");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new ImagePullException(ImagePullErrorKind.Unavailable, reference, $"{reference}: token server {realmUri.Host} answered {(int)response.StatusCode}");
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        TokenResponse? token;
        try
        {
            token = JsonSerializer.Deserialize(body, OciJsonContext.Default.TokenResponse);
        }
        catch (JsonException exception)
        {
            throw new ImagePullException(ImagePullErrorKind.Unauthorized, reference, $"{reference}: token server {realmUri.Host} sent no JSON token", exception);
        }

        var value = token?.Token is { Length: > 0 } t ? t : token?.AccessToken;
        if (string.IsNullOrEmpty(value))
        {
            throw Unauthorized(reference, $"token server {realmUri.Host} sent no token");
        }

        var lifetime = token!.ExpiresIn is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : s_defaultTokenLifetime;

        // Renew a little early so a request never goes out with a token about to lapse.
        return (new AuthenticationHeaderValue("Bearer", value), timeProvider.GetUtcNow() + lifetime * 0.9);
    }

    private static HttpRequestMessage TokenGetRequest(Uri realm, string? service, string scope, RegistryCredential? credential)
    {
        var query = new StringBuilder(realm.Query.Length > 1 ? realm.Query[1..] + "&" : "");
        if (!string.IsNullOrEmpty(service))
        {
            query.Append("service=").Append(Uri.EscapeDataString(service)).Append('&');
        }

        query.Append("scope=").Append(Uri.EscapeDataString(scope));
        var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(realm) { Query = query.ToString() }.Uri);
        if (credential is { HasPassword: true })
        {
            request.Headers.Authorization = BasicHeader(credential);
        }

        return request;
    }

    private static HttpRequestMessage RefreshTokenRequest(Uri realm, string? service, string scope, string refreshToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["service"] = service ?? "",
            ["scope"] = scope,
            ["client_id"] = "faasd",
        };
        return new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
    }

    private static AuthenticationHeaderValue BasicHeader(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    private static ImagePullException Unauthorized(string reference, string problem) =>
        new(ImagePullErrorKind.Unauthorized, reference, $"{reference}: {problem}");

    private static string Key(string host, string repository) => $"{host}/{repository}";
}
