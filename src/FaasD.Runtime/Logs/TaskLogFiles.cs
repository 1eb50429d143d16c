namespace FaasD.Runtime.Logs;

/// <summary>
/// Per-container log files written by the runc shim itself (task stdio as a <c>file://</c> URI): no
/// helper process per function, and a function never blocks on its output while the daemon is down.
/// The shim (containerd 1.6 pkg/process) creates the file 0644 and its directory 0755, sends stdout
/// and stderr both to the stdout URI's path, and keeps it open with O_APPEND, so truncating the file
/// in place is safe (later writes land at the new end) while renaming it away is not (the shim keeps
/// writing to the renamed file).
/// </summary>
internal sealed class TaskLogFiles(RuntimeOptions options)
{
    public string PathFor(string @namespace, string id) =>
        Path.Combine(options.LogDirectory, @namespace, id + ".log");

    public string UriFor(string @namespace, string id) => new Uri(PathFor(@namespace, id)).AbsoluteUri;

    /// <summary>Creates the namespace's log directory, readable by root only: function output may hold secrets.</summary>
    public void EnsureDirectory(string @namespace)
    {
        Directory.CreateDirectory(
            Path.Combine(options.LogDirectory, @namespace),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Delete(string @namespace, string id)
    {
        var path = PathFor(@namespace, id);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
