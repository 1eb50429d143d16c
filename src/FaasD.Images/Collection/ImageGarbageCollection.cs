using System.Collections.Concurrent;
using FaasD.Containerd;
using FaasD.Containerd.Errors;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using EventsApi = FaasD.Containerd.Api.Events;

namespace FaasD.Images.Collection;

/// <summary>
/// Automatic image GC, in two cases: after a container of a FaasD namespace is deleted (a function updated to
/// another image or removed, a compose service re-created), that namespace is pruned; and when the disk holding
/// containerd's root is fuller than the high watermark, every FaasD namespace is pruned, aiming below the low
/// watermark (like the kubelet's 85 % / 80 %). Only unused images older than <see cref="MinAge"/> go, so an image
/// pulled by a deploy that has not created its container yet is safe.
/// </summary>
internal sealed partial class ImageGarbageCollection(
    ContainerdClient containerd,
    IImageCollector collector,
    ImageGcOptions settings,
    TimeProvider time,
    ILogger<ImageGarbageCollection> logger) : BackgroundService
{
    internal static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(30);
    internal static readonly TimeSpan MinAge = TimeSpan.FromMinutes(2);
    private const string ContainerDeleteFilter = "topic==\"/containers/delete\"";

    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Enabled)
        {
            return;
        }

        var events = WatchDeletesAsync(stoppingToken);
        using var timer = new PeriodicTimer(CheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CollectOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await events;
    }

    /// <summary>One round: namespaces whose containers were deleted, then the disk watermark.</summary>
    internal async Task CollectOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var ours = await collector.ListNamespacesAsync(cancellationToken);
            var changed = _pending.Keys.Where(ours.Contains).ToList();
            _pending.Clear();
            if (changed.Count > 0)
            {
                var report = await collector.PruneAsync(changed, new PruneOptions { MinAge = MinAge, DiskPath = settings.DiskPath }, cancellationToken);
                if (report.Removed.Count > 0)
                {
                    Log.Pruned(logger, "containers were deleted", report.Removed.Count, report.FreedBytes ?? 0);
                }
            }

            if (UsedPercent(settings.DiskPath) is { } used && used >= settings.HighThreshold)
            {
                var report = await collector.PruneAsync(ours, new PruneOptions { MinAge = MinAge, DiskPath = settings.DiskPath }, cancellationToken);
                Log.Pruned(logger, $"disk {used:0.0} % full", report.Removed.Count, report.FreedBytes ?? 0);
                if (UsedPercent(settings.DiskPath) is { } after && after >= settings.LowThreshold)
                {
                    Log.StillFull(logger, settings.DiskPath, after, settings.LowThreshold);
                }
            }
        }
        catch (Exception ex) when (ex is ContainerdException or RpcException or IOException)
        {
            Log.Failed(logger, ex.Message);
        }
    }

    internal static double? UsedPercent(string path)
    {
        if (!Directory.Exists(path))
        {
            return null;
        }

        var drive = new DriveInfo(path);
        return drive.TotalSize == 0 ? null : 100.0 * (drive.TotalSize - drive.AvailableFreeSpace) / drive.TotalSize;
    }

    private async Task WatchDeletesAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var call = containerd.Global.Events.Subscribe(
                    new EventsApi.SubscribeRequest { Filters = { ContainerDeleteFilter } }, cancellationToken: cancellationToken);
                while (await call.ResponseStream.MoveNext(cancellationToken))
                {
                    _pending.TryAdd(call.ResponseStream.Current.Namespace, 0);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is ContainerdException or RpcException)
            {
                // containerd restarting: subscribe again shortly; deletes meanwhile are caught by the next one.
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.ImageGcPruned, Level = LogLevel.Information, Message = "Image GC ({Reason}): removed {Count} unused images, {Freed} bytes freed")]
        public static partial void Pruned(ILogger logger, string reason, int count, long freed);

        [LoggerMessage(EventId = LogEvents.ImageGcStillFull, Level = LogLevel.Warning, Message = "Disk holding {Path} is still {Used:0.0} % full after image GC (low watermark {Low} %): what is left is in use")]
        public static partial void StillFull(ILogger logger, string path, double used, int low);

        [LoggerMessage(EventId = LogEvents.ImageGcFailed, Level = LogLevel.Warning, Message = "Image GC round failed: {Reason}")]
        public static partial void Failed(ILogger logger, string reason);
    }
}
