using System.Net;
using System.Net.Http.Headers;

namespace FaasD.TestSupport.Images;

/// <summary>
/// Pushes a <see cref="BuiltImage"/> to a plain-HTTP registry with the distribution API: HEAD each blob and skip
/// it when present, otherwise <c>POST /blobs/uploads/</c> then a monolithic <c>PUT ?digest=</c>; finally
/// <c>PUT /manifests/&lt;tag&gt;</c>. Pushing the same image again sends only the manifest.
/// </summary>
public sealed class RegistryPusher(HttpClient http, string registry)
{
    public async Task PushAsync(BuiltImage image, string repository, string tag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        await PushBlobAsync(repository, image.Layer.Digest, () => File.OpenRead(image.Layer.CompressedPath), cancellationToken);
        await PushBlobAsync(repository, image.ConfigDigest, () => new MemoryStream(image.Config), cancellationToken);

        using var manifest = new ByteArrayContent(image.Manifest);
        manifest.Headers.ContentType = new MediaTypeHeaderValue(OciMediaTypes.Manifest);
        using var response = await http.PutAsync(Url($"/v2/{repository}/manifests/{tag}"), manifest, cancellationToken);
        await EnsureAsync(response, $"PUT manifest {repository}:{tag}", cancellationToken);
    }

    private async Task PushBlobAsync(string repository, string digest, Func<Stream> open, CancellationToken cancellationToken)
    {
        using (var head = new HttpRequestMessage(HttpMethod.Head, Url($"/v2/{repository}/blobs/{digest}")))
        using (var present = await http.SendAsync(head, cancellationToken))
        {
            if (present.StatusCode == HttpStatusCode.OK)
            {
                return;
            }
        }

        using var start = await http.PostAsync(Url($"/v2/{repository}/blobs/uploads/"), content: null, cancellationToken);
        await EnsureAsync(start, $"start upload of {digest} to {repository}", cancellationToken);
        var location = start.Headers.Location ?? throw new InvalidOperationException($"registry {registry} gave no upload Location");
        var upload = location.IsAbsoluteUri ? location : new Uri(Url("/"), location);

        // The Location may already carry a query (the upload state); the digest is appended to it.
        var separator = string.IsNullOrEmpty(upload.Query) ? "?" : "&";
        await using var data = open();
        using var body = new StreamContent(data);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        body.Headers.ContentLength = data.Length;
        using var finish = await http.PutAsync(new Uri($"{upload}{separator}digest={Uri.EscapeDataString(digest)}"), body, cancellationToken);
        await EnsureAsync(finish, $"upload {digest} to {repository}", cancellationToken);
    }

    private Uri Url(string path) => new($"http://{registry}{path}");

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"registry refused to {what}: {(int)response.StatusCode} {body}", null, response.StatusCode);
        }
    }
}
