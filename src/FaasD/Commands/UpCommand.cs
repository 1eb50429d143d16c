using FaasD.Gateway;
using FaasD.Hosting;
using FaasD.Systemd;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Serilog;

namespace FaasD.Commands;

/// <summary>`faasd up`: the long-running daemon — gateway on :8080 over the function platform.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var options = new SettingsOptions();
        var command = new Command("up", "Run the daemon: the OpenFaaS gateway and the function platform (foreground; systemd Type=notify).");
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((result, cancellationToken) => RunAsync(options.Bind(result), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(DaemonSettings settings, CancellationToken cancellationToken)
    {
        Log.Logger = DaemonLogging.CreateLogger(settings);
        try
        {
            if (settings.MetricsPort == settings.Port)
            {
                throw new StartupException($"--metrics-port {settings.MetricsPort} is the gateway's --port: choose another port, or 0 to disable metrics");
            }

            var credentials = await StateDirectory.PrepareAsync(settings, cancellationToken);
            // The empty builder: every setting comes from the flags. The slim one also read appsettings.json from the
            // working directory, let its Kestrel section open listeners behind the flags' back, and watched the whole
            // working tree for changes (an inotify watch per directory; MBs of start-up allocation for the walk).
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = settings.StateDir });
            builder.Services.AddRoutingCore();
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Limits.MaxRequestHeadersTotalSize = (int)Math.Min(settings.MaxRequestHeaderSize, int.MaxValue);
                kestrel.Limits.RequestHeadersTimeout = settings.RequestHeadersTimeout;
                // Both listeners answer an unknown HTTP version in the first request line with 400, not Kestrel's 505.
                kestrel.Listen(IPAddress.Parse(settings.BindAddress), settings.Port, listen => listen.UseHttpVersionGuard());
                if (settings.MetricsPort > 0)
                {
                    kestrel.Listen(IPAddress.Parse(settings.BindAddress), settings.MetricsPort, listen => listen.UseHttpVersionGuard());
                }
            });
            builder.Logging.ClearProviders();
            builder.Services.AddSerilog();
            builder.Services.AddSystemd();
            builder.Services.AddSystemdWatchdog(DaemonHealth.IsHealthyAsync);
            builder.Services.AddJournalLogSink();
            builder.Services.AddFaasDPlatform(settings);
            builder.Services.AddFaasGateway(gateway =>
            {
                gateway.BasicAuthUser = credentials.User;
                gateway.BasicAuthPassword = credentials.Password;
                gateway.UpstreamTimeout = settings.UpstreamTimeout;
                gateway.Version = VersionCommand.Version;
                gateway.MaxAsyncRequestBodySize = settings.QueueMaxBody;
                gateway.MaxSystemRequestBodySize = settings.MaxApiBodySize;
            });
            builder.Services.AddFaasDAsyncQueue(settings);

            await using var app = builder.Build();
            if (settings.MetricsPort > 0)
            {
                app.UseFaasMetricsListener(settings.MetricsPort);
            }

            app.MapFaasGateway();
            await DaemonStartup.RunAsync(app.Services, cancellationToken);
            Log.Information("FaasD {Version} serving the OpenFaaS API on {Address}:{Port}", VersionCommand.Version, settings.BindAddress, settings.Port);
            if (settings.MetricsPort > 0)
            {
                Log.Information("Prometheus metrics on {Address}:{MetricsPort}/metrics", settings.BindAddress, settings.MetricsPort);
            }
            // Start-up's garbage (≈ 10 MB before the GC has collected once) is returned the moment the daemon
            // serves, not at the first idle check 20 s later.
            app.Lifetime.ApplicationStarted.Register(app.Services.GetRequiredService<IdleMemoryTrim>().AfterStartup);
            await app.RunAsync();
            return 0;
        }
        catch (StartupException ex)
        {
            Log.Fatal("{Message}", ex.Message);
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception ex)
        {
            Log.Fatal(ex, "faasd up failed: {Message}", ex.Message);
            return 1;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}
