using System.Diagnostics;
using FaasD.Images.Tests.Integration.Support;
using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Images.Tests.Integration;

/// <summary>Pull + unpack time from the local registry; run on demand, prints medians.</summary>
[Integration]
[Explicit("measurement, not a check")]
public sealed class PullTimings
{
    private const int Runs = 7;

    [Test]
    public async Task MeasurePullAndUnpack()
    {
        TestEnvironment.RequireContainerd();
        var cold = new List<double>();
        var present = new List<double>();
        for (var run = 0; run < Runs; run++)
        {
            // A layer no namespace has, so the blob is really transferred and unpacked.
            var image = await UniqueImages.BuildAndPushAsync();
            await using var ns = ContainerdNamespace.Create();
            using var service = ImageServiceFactory.Create(ns, new CountingHandler());

            var clock = Stopwatch.StartNew();
            var first = await service.PullAsync(ns.Name, image.Reference, CancellationToken.None);
            cold.Add(clock.Elapsed.TotalMilliseconds);
            Assert.That(first.LayersUnpacked, Is.EqualTo(1));

            clock.Restart();
            var again = await service.PullAsync(ns.Name, image.Reference, CancellationToken.None);
            present.Add(clock.Elapsed.TotalMilliseconds);
            Assert.That(again.BlobsFetched, Is.Zero);
        }

        await TestContext.Out.WriteLineAsync($"cold pull+unpack ms: median {Median(cold):0.0} (runs {string.Join(", ", cold.Select(v => v.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))})");
        await TestContext.Out.WriteLineAsync($"already present ms: median {Median(present):0.0} (runs {string.Join(", ", present.Select(v => v.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))})");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
