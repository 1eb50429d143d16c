using FaasD.Systemd;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serilog;
using ILogger = Microsoft.Extensions.Logging.ILogger;

namespace FaasD.StandIn;

/// <summary>`faasd install` and a minimal `faasd up` built from the real Systemd code; see standin.csproj.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        switch (args.FirstOrDefault())
        {
            case "install":
                return await Installer.ForSystem(NullLogger<Installer>.Instance).RunAsync(Console.Out, stop.Token);
            case "up":
                return await UpAsync(args[1..]);
            case "--help":
                await Console.Out.WriteLineAsync("faasd stand-in for the systemd test stage. Commands:\n  install\n  up");
                return 0;
            default:
                await Console.Error.WriteLineAsync("usage: faasd install | faasd up");
                return 2;
        }
    }

    private static async Task<int> UpAsync(string[] args)
    {
        EnsurePassword();
        Log.Logger = new LoggerConfiguration().WriteTo.SystemdAwareConsole().CreateLogger();
        var builder = WebApplication.CreateBuilder(args);
        builder.Host.UseSystemd();
        builder.Services.AddSerilog();
        builder.Services.AddSystemdWatchdog();
        builder.WebHost.UseUrls("http://0.0.0.0:8080");
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Ok());

        var logger = app.Services.GetRequiredService<ILogger<ContainerdServiceCheck>>();
        var problem = await ContainerdServiceCheck.ForSystem(logger).FindProblemAsync(CancellationToken.None);
        if (problem is not null)
        {
            logger.LogCritical("{Problem}", problem);
            return 1;
        }

        app.Lifetime.ApplicationStarted.Register(() => Probe(app.Services.GetRequiredService<ILogger<JournalWriter>>()));
        await app.RunAsync();
        await Log.CloseAndFlushAsync();
        return 0;
    }

    /// <summary>Like the real daemon: a password created once in the state directory, kept across upgrades.</summary>
    private static void EnsurePassword()
    {
        var secrets = Directory.CreateDirectory("/var/lib/faasd/secrets").FullName;
        var password = Path.Combine(secrets, "basic-auth-password");
        if (!File.Exists(password))
        {
            File.WriteAllText(password, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        }
    }

    /// <summary>Entries the stage looks for: a priority-filtered warning, and native-protocol entries incl. a memfd one.</summary>
    private static void Probe(ILogger logger)
    {
        logger.LogWarning("stand-in warning for the priority check");
        using var journal = new JournalWriter();
        var results = new[]
        {
            journal.Write(JournalPriority.Informational, "faasd-standin:probe", "first line\nsecond line"),
            journal.Write(JournalPriority.Error, "faasd-standin:probe", "large:" + new string('x', 1 << 20)),
        };
        logger.LogInformation("journal probe: available={Available} results={Results}", journal.IsAvailable, string.Join(',', results));
    }
}
