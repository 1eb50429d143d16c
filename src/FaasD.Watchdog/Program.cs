using FaasD.Watchdog.Hosting;

namespace FaasD.Watchdog;

internal static class Program
{
    private const int ExitBadConfiguration = 2;
    private const int ExitCannotListen = 1;

    public static async Task<int> Main()
    {
        WatchdogOptions options;
        try
        {
            options = WatchdogOptionsReader.Read(Environment.GetEnvironmentVariable);
        }
        catch (InvalidConfigurationException e)
        {
            // Logging is not set up yet, and a container that refuses to start must say why on stderr.
            await Console.Error.WriteLineAsync($"fwatchdog: {e.Message}");
            return ExitBadConfiguration;
        }

        if (!options.SuppressLock && new LockFile(options.LockFilePath).CheckWritable() is { } lockProblem)
        {
            await Console.Error.WriteLineAsync($"fwatchdog: {lockProblem}");
            return ExitBadConfiguration;
        }

        await using var app = WatchdogApp.Build(options);
        try
        {
            await app.RunAsync();
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"fwatchdog: cannot listen on port {options.Port}: {e.Message}");
            return ExitCannotListen;
        }

        return 0;
    }
}
