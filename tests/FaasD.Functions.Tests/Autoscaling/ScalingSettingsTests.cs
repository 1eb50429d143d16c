using FaasD.Functions.Autoscaling;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Autoscaling;

public class ScalingSettingsTests
{
    [Test]
    public void Defaults_are_one_replica_and_no_autoscaling()
    {
        Assert.That(ScalingSettings.TryParse(null, out var settings, out _), Is.True);
        Assert.That((settings!.Min, settings.Max, settings.Type, settings.Target, settings.TargetProportion), Is.EqualTo((1, 20, ScaleType.Rps, 50.0, 0.9)));
        Assert.That(settings.Autoscaled, Is.False);
    }

    [Test]
    public void Labels_are_read()
    {
        var labels = new Dictionary<string, string>
        {
            ["com.openfaas.scale.min"] = "2",
            ["com.openfaas.scale.max"] = "6",
            ["com.openfaas.scale.type"] = "capacity",
            ["com.openfaas.scale.target"] = "5",
            ["com.openfaas.scale.target-proportion"] = "0.7",
            ["com.openfaas.scale.down-window"] = "30s",
        };
        Assert.That(ScalingSettings.TryParse(labels, out var s, out var error), Is.True, error);
        Assert.That(s, Is.EqualTo(new ScalingSettings(2, 6, ScaleType.Capacity, 5, 0.7, TimeSpan.FromSeconds(30), true)));
        Assert.That(s!.Autoscaled, Is.True);
        Assert.That((s.Clamp(1), s.Clamp(4), s.Clamp(9)), Is.EqualTo((2, 4, 6)));
    }

    [Test]
    public void Max_equal_to_min_disables_autoscaling() =>
        Assert.That(ScalingSettings.Parse(new Dictionary<string, string> { ["com.openfaas.scale.min"] = "3", ["com.openfaas.scale.max"] = "3" }).Autoscaled, Is.False);

    [TestCase("com.openfaas.scale.min", "0", "invalid label com.openfaas.scale.min=\"0\": use a whole number of at least 1")]
    [TestCase("com.openfaas.scale.max", "x", "invalid label com.openfaas.scale.max=\"x\": use a whole number of at least 1")]
    [TestCase("com.openfaas.scale.type", "memory", "invalid label com.openfaas.scale.type=\"memory\": use rps, capacity or cpu")]
    [TestCase("com.openfaas.scale.target", "-1", "invalid label com.openfaas.scale.target=\"-1\": use a number above 0")]
    [TestCase("com.openfaas.scale.target-proportion", "1.5", "invalid label com.openfaas.scale.target-proportion=\"1.5\": use a number above 0 and at most 1, such as 0.9")]
    [TestCase("com.openfaas.scale.down-window", "soon", "invalid label com.openfaas.scale.down-window=\"soon\": use a duration such as 30s or 5m")]
    public void Bad_values_are_refused_with_the_reason(string label, string value, string message)
    {
        Assert.That(ScalingSettings.TryParse(new Dictionary<string, string> { [label] = value }, out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo(message));
    }

    [Test]
    public void Max_below_min_is_refused()
    {
        Assert.That(ScalingSettings.TryParse(new Dictionary<string, string> { ["com.openfaas.scale.min"] = "4", ["com.openfaas.scale.max"] = "2" }, out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo("label com.openfaas.scale.max=2 is below com.openfaas.scale.min=4"));
    }
}
