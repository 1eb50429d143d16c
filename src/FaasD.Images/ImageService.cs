using FaasD.Images.Distribution;
using FaasD.Images.Distribution.Auth;
using FaasD.Shared;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaasD.Images;

/// <summary>
/// Pull and import on containerd 1.6 without its Transfer service:
/// <code>
///   resolve tag ─▶ lease ─▶ fetch blobs into content store ─▶ unpack into snapshots ─▶ image record ─▶ drop lease
/// </code>
/// The image record is written last, so a failure at any step leaves no record; the lease lets containerd's
/// garbage collector reclaim whatever was stored on the way.
/// </summary>
internal sealed partial class ImageService : IImageService, IDisposable
{
    private readonly ContainerdClient _containerd;
    private readonly ImageOptions _options;
    private readonly HttpClient _http;
    private readonly RegistryAuthenticator _authenticator;
    private readonly PlatformMatcher _platforms;
    private readonly KeyedAsyncLock<string> _locks = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    /// <param name="registryHandler">The HTTP stack for registry traffic; tests pass a counting or faking handler. Owned by the service.</param>
    public ImageService(
        ContainerdClient containerd,
        ImageOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        HttpMessageHandler? registryHandler = null)
    {
        _containerd = containerd ?? throw new ArgumentNullException(nameof(containerd));
        _options = options ?? new ImageOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ImageService>();
        _platforms = new PlatformMatcher(_options.Platform ?? Platform.Host);
        _http = new HttpClient(registryHandler ?? CreateRegistryHandler(_options), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("faasd");
        _authenticator = new RegistryAuthenticator(_http, _timeProvider);
    }

    public async Task<ImagePullResult> PullAsync(string @namespace, string reference, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        var parsed = ParseReference(reference);
        var name = parsed.ToString();
        using var serialised = await _locks.AcquireAsync($"{@namespace}\n{name}", cancellationToken);
        var started = _timeProvider.GetTimestamp();
        Log.Pulling(_logger, name, @namespace);
        try
        {
            var credentials = await LoadCredentialsAsync(name, cancellationToken);
            var registry = new RegistryClient(_http, _authenticator, parsed, credentials.Find(parsed.RegistryHost), _options);
            var resolved = await registry.ResolveAsync(cancellationToken);
            var result = await StoreAsync(@namespace, name, new RegistryImageSource(registry, parsed), resolved.Descriptor, resolved.Content, cancellationToken);
            Log.Pulled(_logger, name, @namespace, result.Image.TargetDigest, result.BlobsFetched, result.BlobsAlreadyPresent, result.LayersUnpacked, _timeProvider.GetElapsedTime(started));
            return result;
        }
        catch (Exception exception) when (Translate(exception, name) is { } translated)
        {
            Log.PullFailed(_logger, name, @namespace, translated.Kind, translated);
            throw translated;
        }
        catch (ImagePullException exception)
        {
            Log.PullFailed(_logger, name, @namespace, exception.Kind, exception);
            throw;
        }
    }

    public Task<LocalImage?> GetImageAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        return new StoredImageReader(_containerd.Namespace(@namespace), _platforms, _options.Snapshotter)
            .ReadAsync(ParseReference(name).ToString(), cancellationToken);
    }

    public async Task<ImageConfig?> GetImageConfigAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        (await GetImageAsync(@namespace, name, cancellationToken))?.Config;

    public async Task<IReadOnlyList<ImageSummary>> ListImagesAsync(string @namespace, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        var response = await _containerd.Namespace(@namespace).Images.ListAsync(new Containerd.Api.Images.ListImagesRequest(), cancellationToken: cancellationToken);
        return response.Images
            .Select(image => new ImageSummary(
                image.Name,
                image.Target?.Digest ?? "",
                image.Target?.MediaType ?? "",
                image.Target?.Size ?? 0,
                image.CreatedAt?.ToDateTimeOffset(),
                image.UpdatedAt?.ToDateTimeOffset()))
            .OrderBy(image => image.Name, StringComparer.Ordinal)
            .ToArray();
    }

    public async Task<bool> IsPresentAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        await GetImageAsync(@namespace, name, cancellationToken) is { } image
        && (image.ChainId.Length == 0 || await ImageUnpacker.SnapshotExistsAsync(_containerd.Namespace(@namespace), _options.Snapshotter, image.ChainId, cancellationToken));

    public void Dispose() => _http.Dispose();

    /// <summary>Fetch, unpack, record — under one lease, the record last.</summary>
    private async Task<ImagePullResult> StoreAsync(
        string @namespace,
        string name,
        IImageSource source,
        OciDescriptor target,
        byte[]? targetContent,
        CancellationToken cancellationToken)
    {
        await using var lease = await _containerd.Namespace(@namespace).CreateLeaseAsync(_options.LeaseExpiry, cancellationToken);
        var fetched = await new ImageFetcher(lease.Scope, source, _platforms).FetchAsync(target, targetContent, cancellationToken);
        var (chainId, unpacked) = await new ImageUnpacker(lease.Scope, _options.Snapshotter, name).UnpackAsync(fetched, cancellationToken);
        await ImageRecords.CreateOrUpdateAsync(lease.Scope, name, fetched.Target, cancellationToken);
        var image = new LocalImage(
            name,
            fetched.Target.Digest,
            fetched.Manifest.Digest,
            fetched.Config.Digest,
            OciJson.ToImageConfig(fetched.ConfigDocument),
            chainId,
            _options.Snapshotter);
        return new ImagePullResult(image, fetched.BlobsFetched, fetched.BlobsAlreadyPresent, unpacked);
    }

    private async Task<DockerConfigCredentials> LoadCredentialsAsync(string reference, CancellationToken cancellationToken)
    {
        try
        {
            return await DockerConfigCredentials.LoadAsync(_options.DockerConfigPath, cancellationToken);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ImagePullException(ImagePullErrorKind.Unauthorized, reference, $"{reference}: cannot use registry credentials {_options.DockerConfigPath}: {exception.Message}", exception);
        }
    }

    private static ImageReference ParseReference(string reference)
    {
        try
        {
            return ImageReference.Parse(reference);
        }
        catch (FormatException exception)
        {
            throw new ImagePullException(ImagePullErrorKind.InvalidReference, reference ?? "", exception.Message, exception);
        }
    }

    /// <summary>The failures from below our own layer, as kinds: containerd's errors, and transfers that broke mid-body.</summary>
    private static ImagePullException? Translate(Exception exception, string name) => exception switch
    {
        ContainerdException containerd => new ImagePullException(ImagePullErrorKind.Store, name, $"{name}: containerd failed: {containerd.Message}", containerd),
        HttpRequestException or IOException => new ImagePullException(ImagePullErrorKind.Unavailable, name, $"{name}: transfer failed: {exception.Message}", exception),
        _ => null,
    };

    private static SocketsHttpHandler CreateRegistryHandler(ImageOptions options) => new()
    {
        ConnectTimeout = options.RequestTimeout,
        // Registries redirect blob downloads to object storage or a CDN; .NET drops the Authorization header on redirects.
        AllowAutoRedirect = true,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Pulling, Level = LogLevel.Information, Message = "Pulling {Image} into namespace {Namespace}")] public static partial void Pulling(ILogger logger, string image, string @namespace);

        [LoggerMessage(EventId = LogEvents.Pulled, Level = LogLevel.Information, Message = "Pulled {Image} into namespace {ImageNamespace} ({Digest}): {Fetched} blobs fetched, {Present} already present, {Unpacked} layers unpacked in {Elapsed}")] public static partial void Pulled(ILogger logger, string image, string imageNamespace, string digest, int fetched, int present, int unpacked, TimeSpan elapsed);

        [LoggerMessage(EventId = LogEvents.PullFailed, Level = LogLevel.Warning, Message = "Pull of {Image} into namespace {Namespace} failed ({Kind})")] public static partial void PullFailed(ILogger logger, string image, string @namespace, ImagePullErrorKind kind, Exception exception);

        [LoggerMessage(EventId = LogEvents.Imported, Level = LogLevel.Information, Message = "Imported {Image} into namespace {Namespace} from {Archive}")] public static partial void Imported(ILogger logger, string image, string @namespace, string archive);
    }
}
