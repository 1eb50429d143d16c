using FaasD.Queue.Dispatch;
using NUnit.Framework;

namespace FaasD.Queue.Tests.Dispatch;

internal sealed class RetryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void Without_labels_it_is_pros_default()
    {
        var policy = RetryPolicy.FromLabels(new Dictionary<string, string>());
        Assert.That(policy.Attempts, Is.EqualTo(10));
        Assert.That(policy.Codes, Is.EquivalentTo(new[] { 429, 502, 500, 504, 408 }));
        Assert.That((policy.MinWait, policy.MaxWait), Is.EqualTo((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(120))));
    }

    [Test]
    public void Labels_override_and_bad_values_keep_the_default()
    {
        var policy = RetryPolicy.FromLabels(new Dictionary<string, string>
        {
            ["com.openfaas.retry.attempts"] = "3",
            ["com.openfaas.retry.codes"] = "503, 429,nope",
            ["com.openfaas.retry.min_wait"] = "500ms",
            ["com.openfaas.retry.max_wait"] = "bad",
        });
        Assert.That(policy.Attempts, Is.EqualTo(3));
        Assert.That(policy.Codes, Is.EquivalentTo(new[] { 503, 429 }));
        Assert.That((policy.MinWait, policy.MaxWait), Is.EqualTo((TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(120))));
    }

    [Test]
    public void Only_listed_codes_are_retried_and_only_while_attempts_remain()
    {
        var policy = RetryPolicy.Default with { Attempts = 3 };
        Assert.That(policy.ShouldRetry(502, 1), Is.True);
        Assert.That(policy.ShouldRetry(502, 2), Is.True);
        Assert.That(policy.ShouldRetry(502, 3), Is.False);
        Assert.That(policy.ShouldRetry(404, 1), Is.False);
        Assert.That(policy.ShouldRetry(200, 1), Is.False);
    }

    [Test]
    public void The_wait_doubles_up_to_max_wait_and_retry_after_wins()
    {
        var policy = RetryPolicy.Default;
        Assert.That(Enumerable.Range(1, 6).Select(n => policy.Backoff(n, null, Now).TotalSeconds), Is.EqualTo(new double[] { 10, 20, 40, 80, 120, 120 }));
        Assert.That(policy.Backoff(1, "3", Now), Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(policy.Backoff(1, "9999", Now), Is.EqualTo(TimeSpan.FromSeconds(120)));
        Assert.That(policy.Backoff(1, Now.AddSeconds(30).ToString("r"), Now), Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(policy.Backoff(1, "garbage", Now), Is.EqualTo(TimeSpan.FromSeconds(10)));
    }
}
