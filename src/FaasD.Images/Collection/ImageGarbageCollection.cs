using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;

namespace FaasD.Images.Collection;

/// <summary>
/// Automatic image GC, in two cases: after a container of a FaasD namespace is deleted (a function updated to
/// another image or removed, a compose service re-created), that namespace is pruned; and when the disk holding
/// containerd's root is fuller than the high watermark, unused images of every FaasD namespace go, least recently
/// pulled first, until the disk is below the low watermark (like the kubelet's 85 % / 80 %). Only unused images
/// older than <see cref="ImageGcOptions.MinAge"/> go, so an image pulled by a deploy that has not created its
/// container yet is safe; a namespace with younger unused images is looked at again in the next round.
/// </summary>
internal sealed partial class ImageGarbageCollection(
    IImageGcSource source,
    IImageCollector collector,
    IDiskUsage disk,
    ImageGcOptions settings,
    TimeProvider time,
    ILogger<ImageGarbageCollection> logger) : BackgroundService
{
    internal static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(30);
    internal static readonly TimeSpan ResubscribeDelay = TimeSpan.FromSeconds(2);

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

    /// <summary>One round: namespaces whose containers were deleted, then the disk watermark. Never throws but for cancellation.</summary>
    internal async Task CollectOnceAsync(CancellationToken cancellationToken)
    {
        // Namespaces taken from the pending set for this round: put back if the round fails.
        var taken = new List<string>();
        try
        {
            var ours = await source.ListNamespacesAsync(cancellationToken);
            var changed = new List<string>();
            foreach (var @namespace in _pending.Keys)
            {
                if (_pending.TryRemove(@namespace, out _) && ours.Contains(@namespace, StringComparer.Ordinal))
                {
                    changed.Add(@namespace);
                    taken.Add(@namespace);
                }
            }

            if (changed.Count > 0)
            {
                var report = await collector.PruneAsync(changed, new PruneOptions { MinAge = settings.MinAge, DiskPath = settings.DiskPath }, cancellationToken);
                taken.Clear();
                foreach (var young in report.Young)
                {
                    // Too young to go yet (or a deploy's image whose container is on its way): look again next round.
                    _pending.TryAdd(young[..young.IndexOf('/', StringComparison.Ordinal)], 0);
                }

                if (report.Removed.Count > 0)
                {
                    Log.Pruned(logger, "containers were deleted", report.Removed.Count, report.FreedBytes ?? 0);
                }
            }

            if (disk.UsedPercent(settings.DiskPath) is { } used && used >= settings.HighThreshold)
            {
                var options = new PruneOptions
                {
                    MinAge = settings.MinAge,
                    DiskPath = settings.DiskPath,
                    StopWhen = () => disk.UsedPercent(settings.DiskPath) is not { } now || now < settings.LowThreshold,
                };
                var report = await collector.PruneAsync(ours, options, cancellationToken);
                Log.Pruned(logger, $"disk {used:0.0} % full", report.Removed.Count, report.FreedBytes ?? 0);
                if (disk.UsedPercent(settings.DiskPath) is { } after && after >= settings.LowThreshold)
                {
                    Log.StillFull(logger, settings.DiskPath, after, settings.LowThreshold);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // GC is housekeeping: a failed round must neither stop the loop nor the daemon; the next round tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            foreach (var @namespace in taken)
            {
                _pending.TryAdd(@namespace, 0);
            }

            Log.Failed(logger, ex.Message, ex);
        }
    }

    private async Task WatchDeletesAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var @namespace in source.WatchContainerDeletesAsync(cancellationToken))
                {
                    _pending.TryAdd(@namespace, 0);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // containerd restarting (or anything else): subscribe again shortly; deletes meanwhile are caught by the next one.
            catch (Exception)
#pragma warning restore CA1031
            {
            }

            try
            {
                await Task.Delay(ResubscribeDelay, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.ImageGcPruned, Level = LogLevel.Information, Message = "Image GC ({Reason}): removed {Count} unused images, {Freed} bytes freed")] public static partial void Pruned(ILogger logger, string reason, int count, long freed);

        [LoggerMessage(EventId = LogEvents.ImageGcStillFull, Level = LogLevel.Warning, Message = "Disk holding {Path} is still {Used:0.0} % full after image GC (low watermark {Low} %): what is left is in use or too young")] public static partial void StillFull(ILogger logger, string path, double used, int low);

        [LoggerMessage(EventId = LogEvents.ImageGcFailed, Level = LogLevel.Warning, Message = "Image GC round failed: {Reason}")] public static partial void Failed(ILogger logger, string reason, Exception exception);
    }
}
