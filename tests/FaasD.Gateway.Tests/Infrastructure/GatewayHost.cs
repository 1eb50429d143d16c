using System.Net.Http.Headers;
using System.Text;
using FaasD.Functions.Abstractions;
using FaasD.Gateway.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaasD.Gateway.Tests.Infrastructure;

/// <summary>The gateway on real Kestrel at 127.0.0.1 (free port) over fake platform, secret, namespace and log stores.</summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    public const string User = "admin";
    public const string Password = "s3cr3t-pa55";

    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, Uri baseAddress, FakeFunctionPlatform platform, FakeSecretStore secrets, FakeNamespaceStore namespaces, FakeLogSource logs)
    {
        _app = app;
        Platform = platform;
        SecretStore = secrets;
        NamespaceStore = namespaces;
        LogSource = logs;
        BaseAddress = baseAddress;
        Client = CreateClient(authenticated: true);
        Anonymous = CreateClient(authenticated: false);
    }

    public FakeFunctionPlatform Platform { get; }

    public FakeSecretStore SecretStore { get; }

    public FakeNamespaceStore NamespaceStore { get; }

    public FakeLogSource LogSource { get; }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Sends the saved basic-auth credentials, like faas-cli after login.</summary>
    public HttpClient Client { get; }

    /// <summary>No Authorization header (function calls, healthz).</summary>
    public HttpClient Anonymous { get; }

    public static async Task<GatewayHost> StartAsync(Action<GatewayOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var platform = new FakeFunctionPlatform();
        var secrets = new FakeSecretStore();
        var namespaces = new FakeNamespaceStore();
        var logs = new FakeLogSource();
        builder.Services.AddSingleton<IFunctionPlatform>(platform);
        builder.Services.AddSingleton<ISecretStore>(secrets);
        builder.Services.AddSingleton<INamespaceStore>(namespaces);
        builder.Services.AddSingleton<ILogSource>(logs);
        services?.Invoke(builder.Services);
        builder.Services.AddFaasGateway(options =>
        {
            options.BasicAuthUser = User;
            options.BasicAuthPassword = Password;
            options.Version = "0.1.0-test";
            options.Sha = "abc123";
            options.MaxSystemRequestBodySize = 64 * 1024;
            configure?.Invoke(options);
        });

        var app = builder.Build();
        app.MapFaasGateway();
        await app.StartAsync();
        var host = new GatewayHost(app, new Uri(app.Urls.First()), platform, secrets, namespaces, logs);
        host.Reset();
        return host;
    }

    public void Reset()
    {
        Platform.Reset();
        SecretStore.Secrets.Clear();
        NamespaceStore.Reset();
        LogSource.Reset();
    }

    public HttpClient CreateClient(bool authenticated)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (authenticated)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")));
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Anonymous.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
