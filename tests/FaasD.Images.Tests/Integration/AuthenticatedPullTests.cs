using System.Text;
using FaasD.Images.Tests.Integration.Support;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using NUnit.Framework;

namespace FaasD.Images.Tests.Integration;

[Integration]
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class AuthenticatedPullTests
{
    private string _configDirectory = "";

    [SetUp]
    public void SetUp()
    {
        TestEnvironment.RequireContainerd();
        _configDirectory = Directory.CreateTempSubdirectory("faasd-images-auth-").FullName;
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_configDirectory, recursive: true);

    [Test]
    public async Task BasicAuthUsesTheConfiguredLogin()
    {
        var image = await TestImages.BusyboxHttpdAsync();
        await using var registry = FakeRegistry.Start(FakeRegistry.Mode.Basic, "alice", "s3cret");
        await using var ns = ContainerdNamespace.Create();
        using var service = ImageServiceFactory.Create(ns, new CountingHandler(), await WriteConfigAsync(registry.Host, "alice", "s3cret"));

        var result = await service.PullAsync(ns.Name, $"{registry.Host}/faasd-test/busybox-httpd:{image.Tag}", CancellationToken.None);

        Assert.That(result.Image.TargetDigest, Is.EqualTo(image.ManifestDigest));
    }

    [Test]
    public async Task BasicAuthWithoutCredentialsIsUnauthorized()
    {
        var image = await TestImages.BusyboxHttpdAsync();
        await using var registry = FakeRegistry.Start(FakeRegistry.Mode.Basic, "alice", "s3cret");
        await using var ns = ContainerdNamespace.Create();
        using var service = ImageServiceFactory.Create(ns, new CountingHandler());

        var exception = Assert.ThrowsAsync<ImagePullException>(() => service.PullAsync(ns.Name, $"{registry.Host}/faasd-test/busybox-httpd:{image.Tag}", CancellationToken.None));

        Assert.That(exception!.Kind, Is.EqualTo(ImagePullErrorKind.Unauthorized));
        Assert.That(await service.ListImagesAsync(ns.Name, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task BearerAuthFetchesATokenForTheRepositoryScope()
    {
        var image = await TestImages.BusyboxHttpdAsync();
        await using var registry = FakeRegistry.Start(FakeRegistry.Mode.Bearer, "bob", "pw");
        await using var ns = ContainerdNamespace.Create();
        using var service = ImageServiceFactory.Create(ns, new CountingHandler(), await WriteConfigAsync(registry.Host, "bob", "pw"));

        var result = await service.PullAsync(ns.Name, $"{registry.Host}/faasd-test/busybox-httpd:{image.Tag}", CancellationToken.None);

        Assert.That(result.Image.TargetDigest, Is.EqualTo(image.ManifestDigest));
        Assert.That(registry.TokenRequests, Has.Count.EqualTo(1), "the token is reused for every request of the pull");
        Assert.That(Uri.UnescapeDataString(registry.TokenRequests[0]), Does.Contain("service=fake-registry").And.Contain("scope=repository:faasd-test/busybox-httpd:pull"));
    }

    [Test]
    public async Task BearerAuthWithWrongCredentialsIsUnauthorized()
    {
        var image = await TestImages.BusyboxHttpdAsync();
        await using var registry = FakeRegistry.Start(FakeRegistry.Mode.Bearer, "bob", "pw");
        await using var ns = ContainerdNamespace.Create();
        using var service = ImageServiceFactory.Create(ns, new CountingHandler(), await WriteConfigAsync(registry.Host, "bob", "wrong"));

        var exception = Assert.ThrowsAsync<ImagePullException>(() => service.PullAsync(ns.Name, $"{registry.Host}/faasd-test/busybox-httpd:{image.Tag}", CancellationToken.None));

        Assert.That(exception!.Kind, Is.EqualTo(ImagePullErrorKind.Unauthorized));
        Assert.That(await service.ListImagesAsync(ns.Name, CancellationToken.None), Is.Empty);
    }

    private async Task<string> WriteConfigAsync(string host, string username, string password)
    {
        var path = Path.Combine(_configDirectory, "config.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
        var json = "{\"auths\":{\"http://" + host + "\":{\"auth\":\"" + auth + "\"}}}";
        await File.WriteAllTextAsync(path, json);
        return path;
    }
}
