using System.Diagnostics;

namespace FaasD.TestSupport;

/// <summary>Waits for a condition a daemon makes true in the background; bounded, so a test fails instead of hanging.</summary>
public static class Poll
{
    /// <summary>True as soon as <paramref name="condition"/> holds, false if it still does not after <paramref name="deadline"/>.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan deadline, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(500));
        }

        return await condition();
    }
}
