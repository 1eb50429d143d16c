using System.Text;
using FaasD.Functions.Abstractions;
using FaasD.Functions.Secrets;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Secrets;

public class FileSecretStoreTests
{
    private string _root = null!;
    private FileSecretStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("faasd-secrets-").FullName;
        _store = new FileSecretStore(_root);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task Written_secrets_are_private_files_listed_by_namespace()
    {
        await _store.WriteAsync("openfaas-fn", "api-key", Encoding.UTF8.GetBytes("s3cret"), CancellationToken.None);
        await _store.WriteAsync("other", "token", Encoding.UTF8.GetBytes("x"), CancellationToken.None);

        var path = Path.Combine(_root, "openfaas-fn", "api-key");
        Assert.That(await File.ReadAllTextAsync(path), Is.EqualTo("s3cret"));
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(await _store.ListAsync("openfaas-fn", CancellationToken.None), Is.EqualTo(new[] { "api-key" }));
        Assert.That(_store.Exists("other", "token"), Is.True);
        Assert.That(_store.Exists("openfaas-fn", "token"), Is.False);
    }

    [Test]
    public async Task Writing_again_overwrites_and_leaves_no_temp_files()
    {
        await _store.WriteAsync("openfaas-fn", "k", Encoding.UTF8.GetBytes("one"), CancellationToken.None);
        await _store.WriteAsync("openfaas-fn", "k", Encoding.UTF8.GetBytes("two"), CancellationToken.None);

        Assert.That(await File.ReadAllTextAsync(Path.Combine(_root, "openfaas-fn", "k")), Is.EqualTo("two"));
        Assert.That(Directory.GetFiles(Path.Combine(_root, "openfaas-fn")), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task Removing_a_missing_secret_is_not_found()
    {
        var ex = Assert.ThrowsAsync<FunctionPlatformException>(() => _store.RemoveAsync("openfaas-fn", "nope", CancellationToken.None));
        Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.NotFound));

        await _store.WriteAsync("openfaas-fn", "yes", new byte[] { 1 }, CancellationToken.None);
        await _store.RemoveAsync("openfaas-fn", "yes", CancellationToken.None);
        Assert.That(_store.Exists("openfaas-fn", "yes"), Is.False);
    }

    [Test]
    public void Traversal_is_refused_before_touching_the_disk()
    {
        var ex = Assert.ThrowsAsync<FunctionPlatformException>(() => _store.WriteAsync("openfaas-fn", "../../etc/passwd", new byte[] { 1 }, CancellationToken.None));
        Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.Invalid));
        Assert.That(Directory.GetFileSystemEntries(_root), Is.Empty);
    }

    [Test]
    public async Task Listing_an_unknown_namespace_is_empty() =>
        Assert.That(await _store.ListAsync("nobody", CancellationToken.None), Is.Empty);
}
