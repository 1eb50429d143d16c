using System.Net;
using FaasD.Watchdog.Upstream;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace FaasD.Watchdog.Hosting;

/// <summary>Composes Kestrel, the mode's handler and the drain logic from the options.</summary>
internal static class WatchdogApp
{
    public static WebApplication Build(WatchdogOptions options)
    {
        // The empty builder plus Kestrel core leaves out routing, HTTPS, config files and host filtering:
        // none is needed on a port only the platform talks to, and each costs binary size under NativeAOT.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => ConfigureKestrel(kestrel, options));
        // Everything the watchdog says goes to stderr; stdout stays the function's (http mode).
        builder.Logging.AddProvider(new StderrLoggerProvider(Console.Error, TimeProvider.System));
        builder.Logging.SetMinimumLevel(options.WriteDebug ? LogLevel.Debug : LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        var services = builder.Services;
        services.Configure<HostOptions>(host => host.ShutdownTimeout = options.WriteTimeout);
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ReadinessState>();
        services.AddSingleton(new InflightLimiter(options.MaxInflight));
        services.AddSingleton<FunctionOutput>(provider => new FunctionOutput(options, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IHostLifetime, DrainingLifetime>();
        AddFunctionHandler(services, options);
        services.AddSingleton(provider => new HealthEndpoints(
            provider.GetRequiredService<ReadinessState>(),
            provider.GetRequiredService<InflightLimiter>(),
            options.ReadyPath,
            provider.GetService<HttpProxyHandler>()));
        services.AddSingleton<RequestDispatcher>();

        var app = builder.Build();
        var dispatcher = app.Services.GetRequiredService<RequestDispatcher>();
        app.Run(dispatcher.DispatchAsync);

        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FaasD.Watchdog");
        lifetime.ApplicationStarted.Register(() =>
        {
            app.Services.GetRequiredService<ReadinessState>().MarkListening();
            Log.Started(logger, options.Mode.ToString().ToLowerInvariant(), options.Port, string.Join(' ', options.Command));
        });
        lifetime.ApplicationStopped.Register(() => Log.Stopped(logger));
        return app;
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, WatchdogOptions options)
    {
        kestrel.ListenAnyIP(options.Port);
        kestrel.AddServerHeader = false;
        // Function payloads are the function's business; Kestrel's 30 MB default would reject large uploads.
        kestrel.Limits.MaxRequestBodySize = null;
        // read_timeout as Go applies it: the time allowed to receive a request (and, unset IdleTimeout, to idle).
        kestrel.Limits.RequestHeadersTimeout = Positive(options.ReadTimeout);
        kestrel.Limits.KeepAliveTimeout = Positive(options.ReadTimeout);
    }

    private static TimeSpan Positive(TimeSpan value) => value > TimeSpan.Zero ? value : Timeout.InfiniteTimeSpan;

    private static void AddFunctionHandler(IServiceCollection services, WatchdogOptions options)
    {
        switch (options.Mode)
        {
            case WatchdogMode.Streaming:
                services.AddSingleton<IFunctionHandler, StreamingHandler>();
                break;
            case WatchdogMode.Serializing:
            case WatchdogMode.Classic:
                services.AddSingleton<IFunctionHandler, BufferedForkHandler>();
                break;
            case WatchdogMode.Http:
                services.AddSingleton<UpstreamSupervisor>();
                services.AddHostedService(provider => provider.GetRequiredService<UpstreamSupervisor>());
                services.AddSingleton(_ => new HttpMessageInvoker(CreateUpstreamHandler()));
                services.AddSingleton<HttpProxyHandler>();
                services.AddSingleton<IFunctionHandler>(provider => provider.GetRequiredService<HttpProxyHandler>());
                break;
            default:
                throw new InvalidConfigurationException($"mode {options.Mode} has no handler");
        }
    }

    /// <summary>A loopback-only client: no proxy, redirects, decompression or cookies may alter what the function said.</summary>
    private static SocketsHttpHandler CreateUpstreamHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    };
}
