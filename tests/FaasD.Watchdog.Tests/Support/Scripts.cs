namespace FaasD.Watchdog.Tests.Support;

/// <summary>fprocess is split on spaces, so anything needing shell syntax becomes a small script file.</summary>
internal static class Scripts
{
    public static string Create(string directory, string name, string body)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        return path;
    }
}
