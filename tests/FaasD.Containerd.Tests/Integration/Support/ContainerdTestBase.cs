using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Containerd.Tests.Integration.Support;

/// <summary>A client on the shared test containerd and a fresh namespace per test, removed afterwards.</summary>
[Integration]
public abstract class ContainerdTestBase
{
    protected static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private CancellationTokenSource? _timeout;
    private ContainerdClient? _client;
    private string? _namespace;

    protected ContainerdClient Client => _client ?? throw new InvalidOperationException("set up did not run");

    protected string TestNamespace => _namespace ?? throw new InvalidOperationException("set up did not run");

    protected ContainerdScope Scope => Client.Namespace(TestNamespace);

    protected CancellationToken Cancellation => _timeout?.Token ?? CancellationToken.None;

    [SetUp]
    public async Task CreateClientAndNamespace()
    {
        TestEnvironment.RequireContainerd();
        _timeout = new CancellationTokenSource(TestTimeout);
        _client = new ContainerdClient(new ContainerdClientOptions { SocketPath = TestEnvironment.ContainerdSocket });
        await TestNamespaces.SweepLeftoversAsync(_client, Cancellation);
        // Named first so tear-down removes it even when create fails half way.
        _namespace = TestNamespaces.NewName();
        await TestNamespaces.CreateAsync(_client, _namespace, Cancellation);
    }

    [TearDown]
    public async Task DeleteNamespace()
    {
        if (_client is not null && _namespace is not null)
        {
            using var cleanup = new CancellationTokenSource(TestTimeout);
            await TestNamespaces.DeleteAsync(_client, _namespace, cleanup.Token);
        }

        _client?.Dispose();
        _timeout?.Dispose();
        _client = null;
        _namespace = null;
    }
}
