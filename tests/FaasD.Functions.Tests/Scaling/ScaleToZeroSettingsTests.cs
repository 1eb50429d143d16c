using FaasD.Functions.Abstractions;
using FaasD.Functions.Scaling;
using FaasD.Functions.Waking;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Scaling;

public class ScaleToZeroSettingsTests
{
    private static readonly ScaleToZeroOptions Defaults = new()
    {
        DefaultEnabled = false,
        DefaultIdleDuration = TimeSpan.FromMinutes(5),
        DefaultStopAfter = TimeSpan.FromHours(1),
    };

    [Test]
    public void No_labels_take_the_daemon_defaults()
    {
        Assert.That(ScaleToZeroSettings.Parse(null, Defaults), Is.EqualTo(new ScaleToZeroSettings(false, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1))));
        Assert.That(ScaleToZeroSettings.Parse(new Dictionary<string, string> { ["other"] = "x" }, Defaults).Enabled, Is.False);
    }

    [TestCase("true", true)]
    [TestCase("True", true)]
    [TestCase("TRUE", true)]
    [TestCase("1", true)]
    [TestCase("t", true)]
    [TestCase("false", false)]
    [TestCase("0", false)]
    [TestCase("F", false)]
    public void Enabled_label_takes_go_booleans(string text, bool expected)
    {
        var settings = ScaleToZeroSettings.Parse(Labels(ScaleToZeroLabels.Enabled, text), Defaults);
        Assert.That(settings.Enabled, Is.EqualTo(expected));
    }

    [TestCase("30s", 30)]
    [TestCase("15m", 900)]
    [TestCase("1h30m", 5400)]
    [TestCase("500ms", 0.5)]
    public void Idle_duration_label_overrides_the_default(string text, double seconds)
    {
        var settings = ScaleToZeroSettings.Parse(Labels(ScaleToZeroLabels.IdleDuration, text), Defaults);
        Assert.That(settings.IdleDuration, Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }

    [TestCase("2h", 7200.0)]
    [TestCase("45m", 2700.0)]
    [TestCase("0", null)]
    [TestCase("0s", null)]
    public void Stop_after_label_overrides_the_default_and_zero_turns_it_off(string text, double? seconds)
    {
        var settings = ScaleToZeroSettings.Parse(Labels(ScaleToZeroLabels.StopAfter, text), Defaults);
        Assert.That(settings.StopAfter, Is.EqualTo(seconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null));
    }

    [TestCase(ScaleToZeroLabels.Enabled, "yes")]
    [TestCase(ScaleToZeroLabels.Enabled, "")]
    [TestCase(ScaleToZeroLabels.IdleDuration, "soon")]
    [TestCase(ScaleToZeroLabels.IdleDuration, "5")]
    [TestCase(ScaleToZeroLabels.IdleDuration, "0s")]
    [TestCase(ScaleToZeroLabels.IdleDuration, "-5m")]
    [TestCase(ScaleToZeroLabels.IdleDuration, "")]
    [TestCase(ScaleToZeroLabels.StopAfter, "later")]
    [TestCase(ScaleToZeroLabels.StopAfter, "-1h")]
    [TestCase(ScaleToZeroLabels.StopAfter, "1d")]
    public void Invalid_values_are_a_clear_validation_error(string label, string value)
    {
        var labels = Labels(label, value);

        Assert.That(ScaleToZeroSettings.TryParse(labels, Defaults, out var settings, out var error), Is.False);
        Assert.That(settings, Is.Null);
        Assert.That(error, Does.Contain(label).And.Contain($"\"{value}\""));

        var thrown = Assert.Throws<FunctionPlatformException>(() => ScaleToZeroSettings.Parse(labels, Defaults));
        Assert.That(thrown!.Kind, Is.EqualTo(FunctionErrorKind.Invalid));
        Assert.That(thrown.Message, Is.EqualTo(error));
    }

    [Test]
    public void All_three_labels_together()
    {
        var labels = new Dictionary<string, string>
        {
            [ScaleToZeroLabels.Enabled] = "true",
            [ScaleToZeroLabels.IdleDuration] = "10m",
            [ScaleToZeroLabels.StopAfter] = "3h",
        };
        Assert.That(
            ScaleToZeroSettings.Parse(labels, Defaults),
            Is.EqualTo(new ScaleToZeroSettings(true, TimeSpan.FromMinutes(10), TimeSpan.FromHours(3))));
    }

    [Test]
    public void Options_reject_values_that_cannot_work()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScaleToZeroOptions { WakeTimeout = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScaleToZeroOptions { MaxWaitersPerFunction = 0 }.Validate());
        Assert.DoesNotThrow(() => new ScaleToZeroOptions().Validate());
    }

    private static Dictionary<string, string> Labels(string key, string value) => new() { [key] = value };
}
