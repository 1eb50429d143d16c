using NUnit.Framework;

namespace FaasD.Triggers.Tests.Fakes;

/// <summary>Waits (bounded) for something another task does; the bound only stops a broken test from hanging.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(5);
        }
    }
}
