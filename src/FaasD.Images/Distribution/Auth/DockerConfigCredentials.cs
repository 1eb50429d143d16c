namespace FaasD.Images.Distribution.Auth;

/// <summary>
/// Registry logins from a docker <c>config.json</c>. Keys are matched on host[:port] whatever scheme or path they
/// were saved with, and docker.io (whose API host is registry-1.docker.io) is looked up under docker's historical
/// key <c>https://index.docker.io/v1/</c>. Credential helpers (<c>credsStore</c>, <c>credHelpers</c>) are not run.
/// </summary>
public sealed class DockerConfigCredentials
{
    private const string DockerHubKey = "index.docker.io";

    private static readonly string[] s_dockerHubHosts = [ImageReference.DockerHubDomain, ImageReference.DockerHubEndpoint, DockerHubKey];

    private readonly Dictionary<string, RegistryCredential> _byHost;

    private DockerConfigCredentials(Dictionary<string, RegistryCredential> byHost) => _byHost = byHost;

    public static DockerConfigCredentials None { get; } = new(new Dictionary<string, RegistryCredential>());

    /// <summary>Reads the file; a missing file means no credentials (anonymous pulls), a malformed one is an error.</summary>
    public static async Task<DockerConfigCredentials> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            return None;
        }

        var json = await File.ReadAllBytesAsync(path, cancellationToken);
        return Parse(json, path);
    }

    public static DockerConfigCredentials Parse(ReadOnlySpan<byte> json, string source)
    {
        DockerConfigFile? file;
        try
        {
            file = JsonSerializer.Deserialize(json, OciJsonContext.Default.DockerConfigFile);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"registry credentials {source} are not valid JSON: {exception.Message}", exception);
        }

        var byHost = new Dictionary<string, RegistryCredential>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, auth) in file?.Auths ?? [])
        {
            byHost[HostOf(key)] = ToCredential(auth, key, source);
        }

        return new DockerConfigCredentials(byHost);
    }

    /// <summary>The login for a registry API host (<c>registry-1.docker.io</c>, <c>ghcr.io</c>, <c>127.0.0.1:5000</c>), or null.</summary>
    public RegistryCredential? Find(string registryHost)
    {
        ArgumentException.ThrowIfNullOrEmpty(registryHost);
        if (s_dockerHubHosts.Contains(registryHost, StringComparer.OrdinalIgnoreCase))
        {
            return s_dockerHubHosts.Select(host => _byHost.GetValueOrDefault(host)).FirstOrDefault(found => found is not null);
        }

        return _byHost.GetValueOrDefault(registryHost);
    }

    /// <summary><c>https://index.docker.io/v1/</c> → <c>index.docker.io</c>; <c>http://10.0.0.1:5000</c> → <c>10.0.0.1:5000</c>.</summary>
    internal static string HostOf(string key)
    {
        var host = key.Trim();
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }

        var slash = host.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 ? host[..slash] : host;
    }

    private static RegistryCredential ToCredential(DockerConfigAuth auth, string key, string source)
    {
        var (username, password) = (auth.Username, auth.Password);
        if (!string.IsNullOrEmpty(auth.Auth))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth.Auth));
            }
            catch (FormatException exception)
            {
                throw new InvalidDataException($"registry credentials {source}: auths.\"{key}\".auth is not base64", exception);
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new InvalidDataException($"registry credentials {source}: auths.\"{key}\".auth is not username:password");
            }

            (username, password) = (decoded[..colon], decoded[(colon + 1)..]);
        }

        return new RegistryCredential(username, password, string.IsNullOrEmpty(auth.IdentityToken) ? null : auth.IdentityToken);
    }
}
