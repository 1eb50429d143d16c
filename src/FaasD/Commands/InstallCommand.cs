using FaasD.Systemd.Install;

namespace FaasD.Commands;

/// <summary>`faasd install`: binary, units and CNI config in place; containerd and faasd enabled and started over D-Bus.</summary>
internal static class InstallCommand
{
    public static Command Create()
    {
        var command = new Command("install", "Install FaasD as a systemd service (binary, unit, CNI conflist) and start it through systemd's D-Bus API.");
        command.SetAction(async (result, cancellationToken) =>
        {
            using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
            return await Installer.ForSystem(loggers.CreateLogger<Installer>()).RunAsync(result.InvocationConfiguration.Output, cancellationToken);
        });
        return command;
    }
}
