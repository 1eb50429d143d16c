using System.Diagnostics;
using System.Text.RegularExpressions;

namespace FaasD.TestSupport.Images;

/// <summary>The shared libraries a program needs, as <c>ldd</c> resolves them on this machine.</summary>
internal static partial class SharedLibraries
{
    /// <summary>Absolute library paths; empty for a static binary. The vDSO is skipped: the kernel provides it.</summary>
    public static async Task<IReadOnlyList<string>> OfAsync(string program, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo("ldd", [program]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("could not start ldd");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);

        // ldd exits 1 for "not a dynamic executable", which is a static binary: nothing to add.
        return Parse(output);
    }

    /// <summary>Lines look like <c>libc.so.6 =&gt; /lib/x86_64-linux-gnu/libc.so.6 (0x…)</c> or <c>/lib64/ld-linux-x86-64.so.2 (0x…)</c>.</summary>
    internal static IReadOnlyList<string> Parse(string lddOutput)
    {
        var missing = lddOutput.Split('\n').Where(line => line.Contains("=> not found", StringComparison.Ordinal)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException($"ldd cannot resolve: {string.Join("; ", missing.Select(line => line.Trim()))}");
        }

        return LibraryPath().Matches(lddOutput).Select(match => match.Groups["path"].Value).Distinct().ToArray();
    }

    [GeneratedRegex(@"(?:=>\s+|^\s*)(?<path>/\S+)\s+\(0x", RegexOptions.Multiline)]
    private static partial Regex LibraryPath();
}
