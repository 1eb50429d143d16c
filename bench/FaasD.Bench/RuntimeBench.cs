using System.Diagnostics;
using System.Text.Json.Nodes;
using FaasD.Containerd;
using FaasD.Images;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ImagesApi = FaasD.Containerd.Api.Images;
using NamespacesApi = FaasD.Containerd.Api.Namespaces;
using SnapshotsApi = FaasD.Containerd.Api.Snapshots;
using ContentApi = FaasD.Containerd.Api.Content;

namespace FaasD.Bench;

/// <summary>Issue #2: pull + unpack of the test image from the loopback registry into a fresh containerd namespace.</summary>
internal static class RuntimeBench
{
    private const int Runs = 5;

    public static async Task RunAsync(BenchContext ctx, CancellationToken cancellationToken)
    {
        await using var layers = new ServiceCollection()
            .AddContainerdClient(ctx.Daemon.ContainerdSocket)
            .AddImageService(new ImageOptions { DockerConfigPath = "/nonexistent/faasd-bench/config.json" })
            .BuildServiceProvider();
        var client = layers.GetRequiredService<ContainerdClient>();
        var images = layers.GetRequiredService<IImageService>();
        var samples = new List<double>();
        var runs = new JsonArray();
        for (var i = 0; i < Runs; i++)
        {
            var ns = $"{ctx.Prefix}-pull{i}";
            try
            {
                BenchContext.Progress($"pull: {ctx.Httpd.Reference} into fresh namespace {ns}");
                var clock = Stopwatch.StartNew();
                var result = await images.PullAsync(ns, ctx.Httpd.Reference, cancellationToken);
                samples.Add(clock.Elapsed.TotalMilliseconds);
                runs.Add(new JsonObject
                {
                    ["ms"] = Report.Round(clock.Elapsed.TotalMilliseconds),
                    ["blobsFetched"] = result.BlobsFetched,
                    ["blobsAlreadyPresent"] = result.BlobsAlreadyPresent,
                    ["layersUnpacked"] = result.LayersUnpacked,
                });
            }
            finally
            {
                await DeleteNamespaceAsync(client, ns);
            }
        }

        var stats = LatencyStats.Of(samples);
        var first = runs.Count > 0 ? runs[0]!.AsObject() : null;
        ctx.Report.AddTable(new Table($"Issue #2 runtime: pull + unpack from 127.0.0.1:5000 into a fresh namespace ({Runs} runs)", "measure", "median ms", "min ms", "max ms", "blobs fetched / present / layers unpacked")
            .Add($"pull {ctx.Httpd.Tag} ({ctx.Httpd.Built.Layer.Size / 1024} KiB gz layer)", Report.Ms(stats.P50), Report.Ms(stats.Min), Report.Ms(stats.Max),
                first is null ? "-" : $"{first["blobsFetched"]} / {first["blobsAlreadyPresent"]} / {first["layersUnpacked"]}"));
        ctx.Report.Json["runtime"] = new JsonObject { ["pullUnpackMs"] = Report.ToJson(stats), ["runs"] = runs };
    }

    /// <summary>Images (with synchronous GC), then any snapshots and content left, then the namespace itself.</summary>
    private static async Task DeleteNamespaceAsync(ContainerdClient client, string ns)
    {
        var scope = client.Namespace(ns);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = deadline.Token;
        try
        {
            var list = await scope.Images.ListAsync(new ImagesApi.ListImagesRequest(), cancellationToken: ct);
            foreach (var image in list.Images)
            {
                await scope.Images.DeleteAsync(new ImagesApi.DeleteImageRequest { Name = image.Name, Sync = true }, cancellationToken: ct);
            }

            for (var pass = 0; pass < 5; pass++)
            {
                var keys = new List<string>();
                using (var stream = scope.Snapshots.List(new SnapshotsApi.ListSnapshotsRequest { Snapshotter = "overlayfs" }, cancellationToken: ct))
                {
                    await foreach (var batch in stream.ResponseStream.ReadAllAsync(ct))
                    {
                        keys.AddRange(batch.Info.Select(s => s.Name));
                    }
                }

                if (keys.Count == 0)
                {
                    break;
                }

                foreach (var key in keys)
                {
                    try
                    {
                        await scope.Snapshots.RemoveAsync(new SnapshotsApi.RemoveSnapshotRequest { Snapshotter = "overlayfs", Key = key }, cancellationToken: ct);
                    }
                    catch (RpcException)
                    {
                        // Has children: removed in a later pass.
                    }
                }
            }

            var digests = new List<string>();
            using (var stream = scope.Content.List(new ContentApi.ListContentRequest(), cancellationToken: ct))
            {
                await foreach (var batch in stream.ResponseStream.ReadAllAsync(ct))
                {
                    digests.AddRange(batch.Info.Select(c => c.Digest));
                }
            }

            foreach (var digest in digests)
            {
                await scope.Content.DeleteAsync(new ContentApi.DeleteContentRequest { Digest = digest }, cancellationToken: ct);
            }

            await scope.Namespaces.DeleteAsync(new NamespacesApi.DeleteNamespaceRequest { Name = ns }, cancellationToken: ct);
        }
        catch (RpcException ex)
        {
            Console.Error.WriteLine($"cleanup: namespace {ns} not fully removed: {ex.Status.Detail}");
        }
    }
}
