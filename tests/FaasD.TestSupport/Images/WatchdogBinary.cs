using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace FaasD.TestSupport.Images;

/// <summary>
/// Our NativeAOT fwatchdog, published from src/FaasD.Watchdog once per source version and cached under
/// /var/lib/faasd-test (publishing takes a minute or two; the cache makes later runs free).
/// </summary>
public static class WatchdogBinary
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "FaasD.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"FaasD.sln not found above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>Path of a published fwatchdog for this machine (linux-x64 or linux-arm64).</summary>
    public static async Task<string> PublishAsync(CancellationToken cancellationToken = default)
    {
        var source = Path.Combine(RepositoryRoot, "src", "FaasD.Watchdog");
        var output = Path.Combine(CacheRoot, SourceHash(source));
        var binary = Path.Combine(output, "fwatchdog");
        await s_gate.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(binary))
            {
                return binary;
            }

            var rid = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "linux-arm64" : "linux-x64";
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "publish", source, "-c", "Release", "-r", rid, "-o", output + ".tmp", "-nologo", "-clp:ErrorsOnly" })
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0 || !File.Exists(Path.Combine(output + ".tmp", "fwatchdog")))
            {
                throw new InvalidOperationException($"publishing fwatchdog failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
            }

            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }

            Directory.Move(output + ".tmp", output);
            return binary;
        }
        finally
        {
            s_gate.Release();
        }
    }

    private static string CacheRoot => Path.Combine(
        Environment.GetEnvironmentVariable("FAASD_TEST_CACHE") is { Length: > 0 } dir ? dir : "/var/lib/faasd-test", "fwatchdog");

    /// <summary>A new build whenever any source file of the watchdog changes.</summary>
    private static string SourceHash(string source)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
                     .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(source, file)));
            sha.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }
}
