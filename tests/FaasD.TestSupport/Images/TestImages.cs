using System.Collections.Concurrent;

namespace FaasD.TestSupport.Images;

/// <summary>
/// Images every integration tier uses, pushed to <see cref="TestEnvironment.Registry"/> under <c>faasd-test/</c>.
/// Building and pushing is idempotent and cached per test process; the registry skips blobs it already has.
/// </summary>
/// <example>
/// <code>
/// var image = await TestImages.BusyboxHttpdAsync(ct);   // image.Reference = "127.0.0.1:5000/faasd-test/busybox-httpd:m-…"
/// var archive = await TestImages.BusyboxHttpdOciArchiveAsync(ct);
///
/// // A new image is one call (a binary plus the libraries ldd lists):
/// var contents = await BusyboxHttpd.Contents().AddBinaryWithLibrariesAsync("/path/fwatchdog", "/usr/bin/fwatchdog", ct);
/// var watchdog = await TestImages.BuildAndPushAsync("watchdog", contents, new TestImageConfig { Cmd = ["fwatchdog"] }, ct);
/// </code>
/// </example>
public static class TestImages
{
    public const string RepositoryPrefix = "faasd-test/";

    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromMinutes(2) };
    private static readonly ConcurrentDictionary<string, Lazy<Task<TestImage>>> s_cache = new(StringComparer.Ordinal);

    /// <summary>busybox httpd on port 8080 serving <c>/www</c> with echo, env and sleep CGI scripts (see <see cref="BusyboxHttpd"/>).</summary>
    public static Task<TestImage> BusyboxHttpdAsync(CancellationToken cancellationToken = default) =>
        CachedAsync("busybox-httpd", () => BuildAndPushAsync("busybox-httpd", BusyboxHttpd.Contents(), BusyboxHttpd.Config), cancellationToken);

    /// <summary>
    /// A function image the way users build them: busybox plus our NativeAOT fwatchdog as the entry point,
    /// configured by environment (<c>fprocess</c>, <c>mode</c>, timeouts …, see docs/watchdog.md).
    /// </summary>
    public static Task<TestImage> WatchdogAsync(string name, IReadOnlyList<string> env, CancellationToken cancellationToken = default) =>
        CachedAsync("watchdog:" + name + ":" + string.Join('\n', env), async () =>
        {
            var binary = await WatchdogBinary.PublishAsync(CancellationToken.None);
            var contents = await BusyboxHttpd.Contents().AddBinaryWithLibrariesAsync(binary, "/usr/bin/fwatchdog", CancellationToken.None);
            var config = new TestImageConfig
            {
                Cmd = ["/usr/bin/fwatchdog"],
                Env = [TestImageConfig.DefaultPath, .. env],
                ExposedPorts = ["8080/tcp"],
            };
            return await BuildAndPushAsync("watchdog-" + name, contents, config);
        }, cancellationToken);

    /// <summary>The busybox httpd image as an OCI image layout tar, named with its registry reference.</summary>
    public static async Task<string> BusyboxHttpdOciArchiveAsync(CancellationToken cancellationToken = default)
    {
        var image = await BusyboxHttpdAsync(cancellationToken);
        var path = ArchivePath(image, "oci.tar");
        await ImageArchiveWriter.WriteOciArchiveAsync(image.Built, image.Reference, path, cancellationToken);
        return path;
    }

    /// <summary>The busybox httpd image as a classic <c>docker save</c> tar, tagged with its registry reference.</summary>
    public static async Task<string> BusyboxHttpdDockerArchiveAsync(CancellationToken cancellationToken = default)
    {
        var image = await BusyboxHttpdAsync(cancellationToken);
        var path = ArchivePath(image, "docker.tar");
        await ImageArchiveWriter.WriteDockerArchiveAsync(image.Built, image.Reference, path, cancellationToken);
        return path;
    }

    /// <summary>
    /// Builds a one-layer image and pushes it as <c>&lt;registry&gt;/faasd-test/&lt;name&gt;:&lt;tag&gt;</c>.
    /// Without a tag, <c>m-</c> plus the first 12 hex digits of the manifest digest is used.
    /// </summary>
    public static async Task<TestImage> BuildAndPushAsync(
        string name,
        ImageContents contents,
        TestImageConfig config,
        string? tag = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var built = await OciImageBuilder.BuildAsync(contents, config, cancellationToken);
        var repositoryPath = RepositoryPrefix + name;
        var effectiveTag = tag ?? "m-" + Sha256Digest.Hex(built.ManifestDigest)[..12];
        await new RegistryPusher(s_http, TestEnvironment.Registry).PushAsync(built, repositoryPath, effectiveTag, cancellationToken);
        return new TestImage($"{TestEnvironment.Registry}/{repositoryPath}", effectiveTag, built);
    }

    /// <summary>Pushes an already built image under another name or tag (e.g. to test tags that move).</summary>
    public static async Task<TestImage> PushAsync(BuiltImage built, string name, string tag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(built);
        var repositoryPath = RepositoryPrefix + name;
        await new RegistryPusher(s_http, TestEnvironment.Registry).PushAsync(built, repositoryPath, tag, cancellationToken);
        return new TestImage($"{TestEnvironment.Registry}/{repositoryPath}", tag, built);
    }

    private static string ArchivePath(TestImage image, string suffix) =>
        Path.Combine(OciImageBuilder.WorkDirectory, $"{image.Repository.Split('/')[^1]}-{Sha256Digest.Hex(image.ManifestDigest)[..12]}.{suffix}");

    /// <summary>
    /// One build per process, shared by all callers (so it runs without any one caller's token; each caller stops
    /// waiting on its own). A failed build is forgotten so the next caller retries instead of inheriting the failure.
    /// </summary>
    private static async Task<TestImage> CachedAsync(string key, Func<Task<TestImage>> build, CancellationToken cancellationToken)
    {
        var lazy = s_cache.GetOrAdd(key, _ => new Lazy<Task<TestImage>>(build));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch
        {
            s_cache.TryRemove(new KeyValuePair<string, Lazy<Task<TestImage>>>(key, lazy));
            throw;
        }
    }
}
