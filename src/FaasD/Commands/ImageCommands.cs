using System.Diagnostics;
using FaasD.Images;

namespace FaasD.Commands;

/// <summary>`faasd image pull|import|ls|rm|prune`: images for functions, also on air-gapped machines, and their clean-up.</summary>
internal static class ImageCommands
{
    public static Command Create()
    {
        var ns = new Option<string>("--namespace", "-n") { Description = "containerd namespace (the function namespace).", DefaultValueFactory = _ => "openfaas-fn" };
        var socket = new Option<string>("--containerd-socket")
        {
            Description = "containerd's gRPC socket. [env FAASD_CONTAINERD_SOCKET]",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FAASD_CONTAINERD_SOCKET") is { Length: > 0 } s ? s : ImageOptions.DefaultContainerdSocket,
        };
        var dockerConfig = new Option<string>("--docker-config")
        {
            Description = "docker config.json with registry credentials. [env FAASD_DOCKER_CONFIG]",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FAASD_DOCKER_CONFIG") is { Length: > 0 } s ? s : ImageOptions.DefaultDockerConfigPath,
        };

        var reference = new Argument<string>("reference") { Description = "Image reference, e.g. ghcr.io/openfaas/figlet:latest" };
        var pull = new Command("pull", "Pull an image from its registry and unpack it.") { reference, ns, socket, dockerConfig };
        pull.SetAction((r, ct) => RunAsync(r, socket, dockerConfig, async (images, output) =>
        {
            var watch = Stopwatch.StartNew();
            var result = await images.PullAsync(r.GetValue(ns)!, r.GetValue(reference)!, ct);
            output.WriteLine($"{result.Name} {result.Image.ManifestDigest} ({result.BlobsFetched} blobs fetched, {result.BlobsAlreadyPresent} present, {result.LayersUnpacked} layers unpacked, {watch.ElapsedMilliseconds} ms)");
        }));

        var file = new Argument<FileInfo>("file") { Description = "An OCI image layout tar or a `docker save` tar (optionally gzipped)." };
        var name = new Option<string?>("--name") { Description = "Repository name to give the imported image (keeps the archive's tag)." };
        var import = new Command("import", "Import images from an archive (no network needed).") { file, ns, socket, name };
        import.SetAction((r, ct) => RunAsync(r, socket, dockerConfig, async (images, output) =>
        {
            var path = r.GetValue(file)!;
            if (!path.Exists)
            {
                throw new ImageCommandException($"no such file: {path.FullName}");
            }

            var results = await images.ImportAsync(r.GetValue(ns)!, path.FullName, new ImageImportOptions { BaseName = r.GetValue(name) }, ct);
            foreach (var result in results)
            {
                output.WriteLine($"imported {result.Name} {result.Image.ManifestDigest}");
            }
        }));

        var ls = new Command("ls", "List images.") { ns, socket };
        ls.SetAction((r, ct) => RunAsync(r, socket, dockerConfig, async (images, output) =>
        {
            output.WriteLine($"{"NAME",-60} {"DIGEST",-20} {"SIZE",10}");
            foreach (var image in await images.ListImagesAsync(r.GetValue(ns)!, ct))
            {
                output.WriteLine($"{image.Name,-60} {image.TargetDigest[..Math.Min(19, image.TargetDigest.Length)],-20} {image.TargetSize,10}");
            }
        }));

        var rm = new Command("rm", "Remove an image with its content and snapshots (refused while a container uses it).") { reference, ns, socket };
        rm.SetAction((r, ct) => RunCollectorAsync(r, socket, async (collector, output) =>
        {
            var report = await collector.RemoveAsync(r.GetValue(ns)!, r.GetValue(reference)!, ct);
            output.WriteLine($"removed {report.Removed[0]}");
            WriteCounts(output, report);
        }));

        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be removed; remove nothing." };
        var onlyNamespace = new Option<string?>("--namespace", "-n") { Description = "Only this namespace (default: every FaasD namespace: functions and compose services)." };
        var root = new Option<string>("--containerd-root")
        {
            Description = "containerd's root directory, where freed disk space is measured.",
            DefaultValueFactory = _ => "/var/lib/containerd",
        };
        var prune = new Command("prune", "Remove every image no function or compose service uses, with its content and snapshots.") { dryRun, onlyNamespace, socket, root };
        prune.SetAction((r, ct) => RunCollectorAsync(r, socket, async (collector, output) =>
        {
            var namespaces = r.GetValue(onlyNamespace) is { Length: > 0 } one ? [one] : await collector.ListNamespacesAsync(ct);
            var report = await collector.PruneAsync(namespaces, new PruneOptions { DryRun = r.GetValue(dryRun), DiskPath = r.GetValue(root) }, ct);
            foreach (var image in report.Removed)
            {
                output.WriteLine(r.GetValue(dryRun) ? $"would remove {image}" : $"removed {image}");
            }

            foreach (var image in report.InUse)
            {
                output.WriteLine($"kept {image} (in use)");
            }

            WriteCounts(output, report);
        }));

        return new Command("image", "Pull, import, list and remove function images.") { pull, import, ls, rm, prune };
    }

    private static async Task<int> RunAsync(ParseResult result, Option<string> socket, Option<string> dockerConfig, Func<IImageService, TextWriter, Task> action)
    {
        var error = result.InvocationConfiguration.Error;
        try
        {
            await using var services = new ServiceCollection()
                .AddImageService(result.GetValue(socket)!, new ImageOptions { DockerConfigPath = result.GetValue(dockerConfig) ?? ImageOptions.DefaultDockerConfigPath })
                .BuildServiceProvider();
            await action(services.GetRequiredService<IImageService>(), result.InvocationConfiguration.Output);
            return 0;
        }
        catch (Exception ex) when (ex is ImagePullException or ImageCommandException || ImageStoreErrors.IsStoreFailure(ex))
        {
            error.WriteLine($"faasd: {ex.Message}");
            return 1;
        }
    }

    private static void WriteCounts(TextWriter output, PruneReport report)
    {
        output.WriteLine(
            $"images {report.Before.Images} -> {report.After.Images}, blobs {report.Before.Blobs} ({report.Before.BlobBytes} bytes) -> {report.After.Blobs} ({report.After.BlobBytes} bytes), snapshots {report.Before.Snapshots} -> {report.After.Snapshots}"
            + (report.FreedBytes is { } freed ? $", disk freed {freed} bytes" : ""));
    }

    private static async Task<int> RunCollectorAsync(ParseResult result, Option<string> socket, Func<IImageCollector, TextWriter, Task> action)
    {
        var error = result.InvocationConfiguration.Error;
        try
        {
            await using var services = new ServiceCollection().AddImageService(result.GetValue(socket)!).BuildServiceProvider();
            await action(services.GetRequiredService<IImageCollector>(), result.InvocationConfiguration.Output);
            return 0;
        }
        catch (Exception ex) when (ImageStoreErrors.IsNotFound(ex))
        {
            error.WriteLine($"faasd: no such image: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ex is ImageInUseException || ImageStoreErrors.IsStoreFailure(ex))
        {
            error.WriteLine($"faasd: {ex.Message}");
            return 1;
        }
    }

    private sealed class ImageCommandException(string message) : Exception(message);
}
