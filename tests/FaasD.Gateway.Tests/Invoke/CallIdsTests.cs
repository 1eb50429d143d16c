using System.Text.RegularExpressions;
using FaasD.Gateway.Invoke;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Invoke;

/// <summary>X-Call-Id values keep the shape the OpenFaaS gateway gives them (random UUIDs, version 4) and never repeat.</summary>
internal sealed partial class CallIdsTests
{
    [Test]
    public void EveryId_IsALowercaseVersion4Uuid()
    {
        for (var i = 0; i < 1000; i++)
        {
            var id = CallIds.New();
            Assert.That(Version4().IsMatch(id), Is.True, id);
            Assert.That(Guid.Parse(id).Version, Is.EqualTo(4), id);
            Assert.That(Guid.Parse(id).Variant, Is.InRange(8, 11), id);
        }
    }

    [Test]
    public void Ids_DoNotRepeat_AcrossThreads()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 5000; i++)
            {
                ids.Add(CallIds.New());
            }
        });

        Assert.That(ids.Distinct(StringComparer.Ordinal).Count(), Is.EqualTo(40_000));
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex Version4();
}
