using System.Net.Http.Headers;
using FaasD.Images.Distribution.Auth;

namespace FaasD.Images.Distribution;

/// <summary>
/// The OCI distribution API calls one pull makes, for one repository: resolve a tag (HEAD, falling back to GET),
/// fetch manifests and blobs by digest. Every byte is verified against its descriptor; every failure is an
/// <see cref="ImagePullException"/> naming the reference.
/// </summary>
internal sealed class RegistryClient
{
    /// <summary>Manifests and configs are read into memory; anything this big is not one.</summary>
    internal const int MaxDocumentSize = 8 << 20;

    private readonly HttpClient _http;
    private readonly RegistryAuthenticator _authenticator;
    private readonly ImageReference _reference;
    private readonly RegistryCredential? _credential;
    private readonly TimeSpan _requestTimeout;
    private readonly Uri _baseUri;
    private readonly string _name;

    public RegistryClient(HttpClient http, RegistryAuthenticator authenticator, ImageReference reference, RegistryCredential? credential, ImageOptions options)
    {
        _http = http;
        _authenticator = authenticator;
        _reference = reference;
        _credential = credential;
        _requestTimeout = options.RequestTimeout;
        _baseUri = RegistryEndpoint.BaseUri(reference.RegistryHost, options.InsecureRegistries);
        _name = reference.ToString();
    }

    /// <summary>The descriptor the reference's tag or digest names right now.</summary>
    public async Task<ResolvedManifest> ResolveAsync(CancellationToken cancellationToken)
    {
        var path = $"v2/{_reference.Path}/manifests/{_reference.ManifestReference}";
        using (var head = await SendAsync(() => ManifestRequest(HttpMethod.Head, path), cancellationToken))
        {
            if (head.IsSuccessStatusCode
                && head.Content.Headers.ContentType?.MediaType is { Length: > 0 } mediaType
                && (_reference.Digest ?? DigestHeader(head)) is { } digest
                && head.Content.Headers.ContentLength is { } size)
            {
                return new ResolvedManifest(new OciDescriptor { MediaType = mediaType, Digest = digest, Size = size }, null);
            }

            if (head.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                Ensure(head, "manifest");
            }
        }

        // Some registries answer HEAD without a digest or not at all: download it and hash it ourselves.
        using var get = await SendAsync(() => ManifestRequest(HttpMethod.Get, path), cancellationToken);
        Ensure(get, "manifest");
        var content = await ReadLimitedAsync(get, cancellationToken);
        var actual = Digests.Sha256(content);
        if (_reference.Digest is { } expected && expected != actual)
        {
            throw Failure(ImagePullErrorKind.Corrupt, $"the registry's manifest has digest {actual}, not the requested {expected}");
        }

        var type = get.Content.Headers.ContentType?.MediaType ?? "";
        return new ResolvedManifest(new OciDescriptor { MediaType = type, Digest = actual, Size = content.Length }, content);
    }

    public async Task<byte[]> FetchManifestAsync(OciDescriptor descriptor, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => ManifestRequest(HttpMethod.Get, $"v2/{_reference.Path}/manifests/{descriptor.Digest}"), cancellationToken);
        Ensure(response, $"manifest {descriptor.Digest}");
        await using var body = new VerifyingStream(await response.Content.ReadAsStreamAsync(cancellationToken), descriptor.Digest, descriptor.Size, _name);
        return await ReadAllAsync(body, descriptor, cancellationToken);
    }

    /// <summary>A blob's bytes, verified while they are read; disposing the stream releases the connection.</summary>
    public async Task<Stream> OpenBlobAsync(OciDescriptor descriptor, CancellationToken cancellationToken)
    {
        var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(_baseUri, $"v2/{_reference.Path}/blobs/{descriptor.Digest}")), cancellationToken);
        try
        {
            Ensure(response, $"blob {descriptor.Digest}");
            return new VerifyingStream(await response.Content.ReadAsStreamAsync(cancellationToken), descriptor.Digest, descriptor.Size, _name, owner: response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public async Task<byte[]> FetchBlobAsync(OciDescriptor descriptor, CancellationToken cancellationToken)
    {
        await using var body = await OpenBlobAsync(descriptor, cancellationToken);
        return await ReadAllAsync(body, descriptor, cancellationToken);
    }

    /// <summary>Sends with any remembered authorization; on a 401 answers the challenge once and sends again.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        var host = _reference.RegistryHost;
        for (var attempt = 0; ; attempt++)
        {
            using var request = createRequest();
            request.Headers.Authorization = _authenticator.Cached(host, _reference.Path);
            var response = await SendOnceAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Unauthorized || attempt > 0)
            {
                return response;
            }

            var challenges = response.Headers.TryGetValues("WWW-Authenticate", out var values)
                ? values.SelectMany(AuthChallenge.Parse).ToArray()
                : [];
            response.Dispose();
            _authenticator.Forget(host, _reference.Path);
            await _authenticator.AuthenticateAsync(host, _reference.Path, challenges, _credential, _name, cancellationToken);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(ImagePullErrorKind.Unavailable, $"registry {_baseUri.Authority} did not answer within {_requestTimeout.TotalSeconds:0}s", exception);
        }
        catch (HttpRequestException exception)
        {
            throw Failure(ImagePullErrorKind.Unavailable, $"cannot reach registry {_baseUri}: {exception.Message}", exception);
        }
    }

    private HttpRequestMessage ManifestRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(_baseUri, path));
        foreach (var mediaType in MediaTypes.Manifests)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        }

        return request;
    }

    private void Ensure(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        throw response.StatusCode switch
        {
            HttpStatusCode.NotFound => Failure(ImagePullErrorKind.NotFound, $"registry {_baseUri.Authority} has no {what} for it (404)"),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                Failure(ImagePullErrorKind.Unauthorized, $"registry {_baseUri.Authority} denied access to the {what} ({status}); check the credentials, or whether the repository exists"),
            _ => Failure(ImagePullErrorKind.Unavailable, $"registry {_baseUri.Authority} answered {status} {response.ReasonPhrase} for the {what}"),
        };
    }

    private async Task<byte[]> ReadLimitedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxDocumentSize)
        {
            throw Failure(ImagePullErrorKind.Corrupt, $"the manifest is larger than {MaxDocumentSize} bytes");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxDocumentSize)
            {
                throw Failure(ImagePullErrorKind.Corrupt, $"the manifest is larger than {MaxDocumentSize} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private async Task<byte[]> ReadAllAsync(Stream verified, OciDescriptor descriptor, CancellationToken cancellationToken)
    {
        if (descriptor.Size is < 0 or > MaxDocumentSize)
        {
            throw Failure(ImagePullErrorKind.Corrupt, $"{descriptor.Digest} claims {descriptor.Size} bytes, not a plausible manifest or config size");
        }

        var content = new byte[descriptor.Size];
        await verified.ReadExactlyAsync(content, cancellationToken);
        return content;
    }

    private static string? DigestHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;

    private ImagePullException Failure(ImagePullErrorKind kind, string problem, Exception? inner = null) =>
        new(kind, _name, $"{_name}: {problem}", inner);
}
