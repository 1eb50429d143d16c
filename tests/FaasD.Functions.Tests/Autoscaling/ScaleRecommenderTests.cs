using FaasD.Functions.Autoscaling;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Autoscaling;

internal sealed class ScaleRecommenderTests
{
    private static readonly ScalingSettings Capacity2 = new(1, 5, ScaleType.Capacity, 2, 0.9, null, true);

    [TestCase(0, 1)]
    [TestCase(1.8, 1)]
    [TestCase(1.81, 2)]
    [TestCase(8, 5)]
    [TestCase(100, 5)]
    public void Replicas_carry_at_most_target_times_proportion(double load, int expected) =>
        Assert.That(ScaleRecommender.Recommend(load, Capacity2), Is.EqualTo(expected));

    [Test]
    public void Never_below_min_while_loaded() =>
        Assert.That(ScaleRecommender.Recommend(0.5, Capacity2 with { Min = 3 }), Is.EqualTo(3));

    [Test]
    public void Up_at_once_down_only_to_the_highest_recommendation_of_the_window()
    {
        Assert.That(ScaleRecommender.Next(current: 1, recommended: 4, [1, 4]), Is.EqualTo(4));
        Assert.That(ScaleRecommender.Next(current: 4, recommended: 1, [4, 3, 1]), Is.EqualTo(4), "the window still holds a 4");
        Assert.That(ScaleRecommender.Next(current: 4, recommended: 1, [2, 1]), Is.EqualTo(2));
        Assert.That(ScaleRecommender.Next(current: 4, recommended: 1, [1]), Is.EqualTo(1));
    }
}
