using System.Runtime.InteropServices;

namespace FaasD.Gateway;

/// <summary>Settings of the OpenFaaS-compatible HTTP surface. The host fills them (credentials come from the state dir).</summary>
public sealed class GatewayOptions
{
    /// <summary>Basic-auth user for <c>/system/*</c> and <c>/ui/</c>. With auth enabled and no credentials every call is refused.</summary>
    public string? BasicAuthUser { get; set; }

    public string? BasicAuthPassword { get; set; }

    /// <summary>False only for development: <c>/system/*</c> is then open to anyone.</summary>
    public bool BasicAuthEnabled { get; set; } = true;

    public string DefaultNamespace { get; set; } = "openfaas-fn";

    /// <summary>Longest silence allowed while talking to a function (request or response body), like faasd's 60 s write timeout.</summary>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>TCP connect timeout towards a function.</summary>
    public TimeSpan UpstreamConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an idle pooled connection to a function is kept.</summary>
    public TimeSpan UpstreamPooledConnectionIdleTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Largest JSON body accepted on <c>/system/*</c> (a 1 MiB secret sent as value and rawValue fits); larger → 413.</summary>
    public long MaxSystemRequestBodySize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest request body streamed to a function; null (default) means no limit, overriding Kestrel's 30 MB.</summary>
    public long? MaxFunctionRequestBodySize { get; set; }

    /// <summary>Largest body accepted on <c>/async-function/</c> (it is stored with the queued call); larger → 413.</summary>
    public long MaxAsyncRequestBodySize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Window of logs returned when <c>since</c> is absent (faasd: now − 5 min).</summary>
    public TimeSpan DefaultLogWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Release shown by <c>/system/info</c> (gateway and provider are one process here).</summary>
    public string Version { get; set; } = "dev";

    public string Sha { get; set; } = "";

    public string ProviderName { get; set; } = "faasd";

    public string Orchestration { get; set; } = "containerd";

    /// <summary>Go-style architecture name (amd64, arm64, arm).</summary>
    public string Arch { get; set; } = GoArch(RuntimeInformation.OSArchitecture);

    /// <summary>
    /// Also serve Prometheus text on <c>/metrics</c> (no auth) on the gateway port. Off by default: metrics have
    /// their own listener (<see cref="MetricsListenerApplicationBuilderExtensions.UseFaasMetricsListener"/>).
    /// </summary>
    public bool MapMetrics { get; set; }

    internal static string GoArch(Architecture architecture) => architecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        Architecture.X86 => "386",
        _ => architecture.ToString().ToLowerInvariant(),
    };
}
