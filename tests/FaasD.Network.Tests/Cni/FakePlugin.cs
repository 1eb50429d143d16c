namespace FaasD.Network.Tests.Cni;

/// <summary>
/// A shell-script CNI plugin: records each call (command, env, stdin) in a log directory and answers with fixed output,
/// so the runner is tested by really executing binaries the way it executes real plugins.
/// </summary>
internal static class FakePlugin
{
    public static string Write(string directory, string type, string log, string stdout = "", int exitCode = 0, string? onlyFor = null)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, type);
        var answer = onlyFor is null ? "" : $"[ \"$CNI_COMMAND\" = '{onlyFor}' ] || exit 0\n";
        File.WriteAllText(path, $"""
            #!/bin/sh
            stdin=$(cat)
            echo "{type} $CNI_COMMAND" >> '{log}/calls'
            printf '%s' "$stdin" > '{log}/{type}.'"$CNI_COMMAND"'.json'
            env | grep '^CNI_' | sort > '{log}/{type}.'"$CNI_COMMAND"'.env'
            {answer}cat <<'JSON'
            {stdout}
            JSON
            exit {exitCode}

            """);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public static IReadOnlyList<string> Calls(string log) =>
        File.Exists(Path.Combine(log, "calls")) ? File.ReadAllLines(Path.Combine(log, "calls")) : [];

    public static string Stdin(string log, string type, string command) => File.ReadAllText(Path.Combine(log, $"{type}.{command}.json"));

    public static IReadOnlyList<string> Env(string log, string type, string command) => File.ReadAllLines(Path.Combine(log, $"{type}.{command}.env"));
}
