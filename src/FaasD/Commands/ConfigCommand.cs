namespace FaasD.Commands;

/// <summary>`faasd config`: the effective settings of `faasd up` and where each value came from.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var settings = new SettingsOptions();
        var markdown = new Option<bool>("--markdown") { Description = "Print the option table as Markdown (the README's configuration table)." };
        var command = new Command("config", "Show the effective configuration of `faasd up` (flags, FAASD_* variables, defaults).") { markdown };
        foreach (var option in settings.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            if (result.GetValue(markdown))
            {
                foreach (var (flag, env, fallback, help) in settings.Describe())
                {
                    output.WriteLine($"| `{flag}` | `{env}` | {(fallback.Length == 0 ? "(none)" : $"`{fallback}`")} | {help} |");
                }

                return 0;
            }

            foreach (var (option, row) in settings.All.Zip(settings.Describe()))
            {
                var fromFlag = result.GetResult(option) is { Implicit: false };
                var fromEnv = !fromFlag && Environment.GetEnvironmentVariable(row.Env) is { Length: > 0 };
                var value = result.GetResult(option)?.GetValueOrDefault<object>();
                var source = fromFlag ? "flag" : fromEnv ? row.Env : "default";
                output.WriteLine($"{row.Flag,-28} {value,-40} ({source})");
            }

            return 0;
        });
        return command;
    }
}
