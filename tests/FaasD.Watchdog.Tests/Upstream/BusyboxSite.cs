using FaasD.Watchdog.Tests.Support;

namespace FaasD.Watchdog.Tests.Upstream;

/// <summary>A document root for <c>busybox httpd</c>: a static file plus CGI scripts that echo or stall.</summary>
internal sealed class BusyboxSite : IDisposable
{
    public BusyboxSite()
    {
        Root = Directory.CreateTempSubdirectory("fwatchdog-site-").FullName;
        File.WriteAllText(Path.Combine(Root, "hello.txt"), "hello from upstream\n");
        var cgi = Directory.CreateDirectory(Path.Combine(Root, "cgi-bin")).FullName;
        Scripts.Create(cgi, "echo", "echo 'Content-Type: text/plain'\necho 'X-Upstream: busybox'\necho\ncat");
        Scripts.Create(cgi, "slow", "sleep 5\necho 'Content-Type: text/plain'\necho\necho late");
        Port = FreePort.Next();
    }

    public string Root { get; }

    public int Port { get; }

    public Dictionary<string, string> WatchdogEnvironment(params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["mode"] = "http",
            ["fprocess"] = $"busybox httpd -f -p 127.0.0.1:{Port} -h {Root}",
            ["upstream_url"] = $"http://127.0.0.1:{Port}",
        };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return environment;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
