namespace FaasD.TestSupport.Images;

/// <summary>
/// The contents of the busybox httpd test image. It serves <c>/www</c> on port 8080:
/// <list type="bullet">
/// <item><c>GET /</c> → <see cref="IndexText"/>.</item>
/// <item><c>/cgi-bin/echo[/extra/path][?query]</c> (any method) → <c>text/plain</c> lines
/// <c>method: …</c>, <c>path: …</c> (without the query), <c>path_info: …</c>, <c>query: …</c>, then one
/// <c>header: HTTP_X_FOO=value</c> per request header (CGI names: upper case, <c>-</c> → <c>_</c>;
/// <c>content_type</c>/<c>content_length</c> appear as <c>header: CONTENT_TYPE=…</c>), then <c>body:</c> and the
/// request body verbatim.</item>
/// <item><c>/cgi-bin/env</c> → the process environment, one <c>KEY=value</c> per line, sorted.</item>
/// <item><c>/cgi-bin/sleep?N</c> → sleeps N seconds, then answers <c>slept N</c> (for timeout tests).</item>
/// </list>
/// </summary>
public static class BusyboxHttpd
{
    public const int Port = 8080;

    public const string IndexText = "faasd test image: busybox httpd\n";

    public static TestImageConfig Config { get; } = new()
    {
        Cmd = ["httpd", "-f", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-h", "/www"],
        WorkingDir = "/www",
        ExposedPorts = [$"{Port}/tcp"],
        Labels = new Dictionary<string, string> { ["org.opencontainers.image.title"] = "faasd-test-busybox-httpd" },
    };

    public static ImageContents Contents() => ImageContents.Busybox()
        .AddFile("/www/index.html", IndexText)
        .AddFile("/www/cgi-bin/echo", EchoScript, ImageContents.ExecutableMode)
        .AddFile("/www/cgi-bin/env", EnvScript, ImageContents.ExecutableMode)
        .AddFile("/www/cgi-bin/sleep", SleepScript, ImageContents.ExecutableMode);

    private const string EchoScript = """
        #!/bin/sh
        printf 'Content-Type: text/plain\r\n\r\n'
        echo "method: $REQUEST_METHOD"
        echo "path: ${REQUEST_URI%%\?*}"
        echo "path_info: $PATH_INFO"
        echo "query: $QUERY_STRING"
        env | grep -E '^(HTTP_|CONTENT_TYPE=|CONTENT_LENGTH=)' | sort | sed 's/^/header: /'
        echo "body:"
        # busybox httpd keeps stdin open after the body, so read exactly CONTENT_LENGTH bytes.
        if [ -n "$CONTENT_LENGTH" ] && [ "$CONTENT_LENGTH" -gt 0 ]; then head -c "$CONTENT_LENGTH"; fi

        """;

    private const string EnvScript = """
        #!/bin/sh
        printf 'Content-Type: text/plain\r\n\r\n'
        env | sort

        """;

    private const string SleepScript = """
        #!/bin/sh
        seconds=${QUERY_STRING:-1}
        sleep "$seconds"
        printf 'Content-Type: text/plain\r\n\r\n'
        echo "slept $seconds"

        """;
}
