using System.CommandLine;
using FaasD.Configuration;
using NUnit.Framework;

namespace FaasD.Tests.Configuration;

internal sealed class MetricsPortOptionTests
{
    [TestCase(new string[0], 8082)]
    [TestCase(new[] { "--metrics-port", "9100" }, 9100)]
    [TestCase(new[] { "--metrics-port", "0" }, 0)]
    public void Metrics_port_defaults_to_8082_and_0_disables(string[] args, int expected)
    {
        var (result, options) = Parse(args);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(options.Bind(result).MetricsPort, Is.EqualTo(expected));
    }

    [TestCase("-1")]
    [TestCase("65536")]
    [TestCase("metrics")]
    public void An_impossible_port_is_refused_with_the_reason(string value)
    {
        var (result, _) = Parse(["--metrics-port", value]);

        Assert.That(result.Errors.Select(e => e.Message), Has.Some.Contains("--metrics-port / FAASD_METRICS_PORT: invalid value"));
    }

    private static (ParseResult Result, SettingsOptions Options) Parse(string[] args)
    {
        if (Environment.GetEnvironmentVariable("FAASD_METRICS_PORT") is { Length: > 0 })
        {
            Assert.Ignore("FAASD_METRICS_PORT is set in this environment");
        }

        var options = new SettingsOptions();
        var command = new RootCommand();
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        return (command.Parse(args), options);
    }
}
