using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace FaasD.Network.Tests;

/// <summary>
/// Detach is asked again for what is already detached (the runtime stops a task, then deletes its container and
/// makes sure): only a detach that released something is news worth a log line.
/// </summary>
public sealed class CniNetworkManagerDetachTests
{
    private TempDirectory _dir = null!;
    private RecordingLogger _logger = null!;
    private CniNetworkManager _manager = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _logger = new RecordingLogger();
        _manager = new CniNetworkManager(
            Options.Create(new NetworkOptions
            {
                NetnsDirectory = Path.Combine(_dir.Path, "netns"),
                StateDirectory = Path.Combine(_dir.Path, "state"),
            }),
            _logger);
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public async Task Detaching_what_was_never_attached_logs_nothing()
    {
        await _manager.DetachAsync("openfaas-fn-echo", CancellationToken.None);
        await _manager.DetachAsync("openfaas-fn-echo", CancellationToken.None);

        Assert.That(_logger.Messages, Is.Empty);
    }

    [Test]
    public async Task A_leftover_netns_file_is_removed_and_logged_once()
    {
        var netns = _manager.NetnsPathFor("openfaas-fn-echo");
        Directory.CreateDirectory(Path.GetDirectoryName(netns)!);
        await File.WriteAllTextAsync(netns, "");

        await _manager.DetachAsync("openfaas-fn-echo", CancellationToken.None);
        await _manager.DetachAsync("openfaas-fn-echo", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(netns), Is.False);
            Assert.That(_logger.Messages, Is.EqualTo(new[] { "Detached openfaas-fn-echo" }));
        });
    }
}
