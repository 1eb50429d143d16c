using FaasD.Commands;

namespace FaasD;

internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand("FaasD: serverless functions on containerd, with the OpenFaaS API")
        {
            UpCommand.Create(),
            ImageCommands.Create(),
            InstallCommand.Create(),
            ConfigCommand.Create(),
            VersionCommand.Create(),
            CronCommand.Create(),
            QueueCommand.Create(),
        };
        return root.Parse(args).InvokeAsync();
    }
}
