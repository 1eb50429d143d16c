using System.Reflection;

namespace FaasD.Commands;

internal static class VersionCommand
{
    public static string Version =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev";

    public static Command Create()
    {
        var command = new Command("version", "Print the FaasD version.");
        command.SetAction(result =>
        {
            result.InvocationConfiguration.Output.WriteLine($"faasd {Version} ({System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()})");
            return 0;
        });
        return command;
    }
}
