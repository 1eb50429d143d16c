using FaasD.Functions.Abstractions;
using FaasD.Triggers.Annotations;
using NUnit.Framework;

namespace FaasD.Triggers.Tests.Annotations;

internal sealed class TriggerAnnotationsTests
{
    private static (bool Ok, FunctionTriggers Triggers, string? Error) Parse(bool natsEnabled, params (string Key, string Value)[] annotations)
    {
        var ok = TriggerAnnotations.TryParse(annotations.ToDictionary(a => a.Key, a => a.Value), TimeZoneInfo.Utc, natsEnabled, out var triggers, out var error);
        return (ok, triggers, error);
    }

    [Test]
    public void No_annotations_mean_no_triggers()
    {
        var (ok, triggers, _) = Parse(natsEnabled: true);
        Assert.That(ok, Is.True);
        Assert.That(triggers, Is.EqualTo(FunctionTriggers.None));
    }

    [Test]
    public void A_comma_list_can_name_the_cron_topic_and_subjects()
    {
        var (ok, triggers, error) = Parse(true, ("topic", " orders.created , cron-function,audit.> "), ("schedule", "*/5 * * * *"));
        Assert.That(ok, Is.True, error);
        Assert.That(triggers.Cron!.Expression, Is.EqualTo("*/5 * * * *"));
        Assert.That(triggers.Topics!.Subjects, Is.EqualTo(new[] { "orders.created", "audit.>" }));
        Assert.That(triggers.Topics.Asynchronous, Is.False);
    }

    [Test]
    public void A_schedule_without_the_cron_topic_is_not_a_trigger()
    {
        var (ok, triggers, _) = Parse(true, ("schedule", "* * * * *"));
        Assert.That(ok, Is.True);
        Assert.That(triggers.Cron, Is.Null);
    }

    [TestCase("")]
    [TestCase(null)]
    public void The_cron_topic_without_a_schedule_is_not_scheduled(string? schedule)
    {
        var annotations = schedule is null ? new[] { ("topic", "cron-function") } : new[] { ("topic", "cron-function"), ("schedule", schedule) };
        var (ok, triggers, error) = Parse(false, annotations);
        Assert.That(ok, Is.True, error);
        Assert.That(triggers.Cron, Is.Null);
    }

    [Test]
    public void A_bad_schedule_is_reported_with_the_expression()
    {
        var (ok, _, error) = Parse(false, ("topic", "cron-function"), ("schedule", "every day"));
        Assert.That(ok, Is.False);
        Assert.That(error, Does.StartWith("annotation schedule \"every day\": expected 5 fields"));
    }

    [Test]
    public void Asynchronous_overlap_and_concurrency_are_read()
    {
        var (ok, triggers, error) = Parse(true, ("topic", "cron-function,jobs"), ("schedule", "@hourly"),
            ("asynchronous_invocation", "true"), ("faasd.cron.overlap", "True"), ("faasd.topic.concurrency", "3"));
        Assert.That(ok, Is.True, error);
        Assert.That(triggers.Cron!.Asynchronous, Is.True);
        Assert.That(triggers.Cron.AllowOverlap, Is.True);
        Assert.That(triggers.Topics!.Asynchronous, Is.True);
        Assert.That(triggers.Topics.Concurrency, Is.EqualTo(3));
    }

    [TestCase("asynchronous_invocation", "yes", "must be true or false")]
    [TestCase("faasd.cron.overlap", "1", "must be true or false")]
    [TestCase("faasd.topic.concurrency", "0", "whole number from 1 to 1024")]
    [TestCase("faasd.topic.concurrency", "-2", "whole number from 1 to 1024")]
    [TestCase("faasd.topic.concurrency", "many", "whole number from 1 to 1024")]
    public void Bad_option_values_are_refused(string key, string value, string reason)
    {
        var (ok, _, error) = Parse(true, (key, value));
        Assert.That(ok, Is.False);
        Assert.That(error, Does.Contain(key).And.Contain(reason));
    }

    [TestCase("orders..created", "empty token")]
    [TestCase(".orders", "empty token")]
    [TestCase("orders.cre*", "whole tokens")]
    [TestCase("orders.>.created", "must be the last token")]
    public void Subjects_that_nats_refuses_are_refused_when_nats_is_on(string subject, string reason)
    {
        var (ok, _, error) = Parse(true, ("topic", subject));
        Assert.That(ok, Is.False);
        Assert.That(error, Does.Contain(subject).And.Contain(reason));

        var (offOk, offTriggers, _) = Parse(false, ("topic", subject));
        Assert.That(offOk, Is.True, "without NATS the topic may belong to another connector");
        Assert.That(offTriggers.Topics, Is.Null);
    }

    [Test]
    public void The_validator_answers_with_the_reason()
    {
        var validator = new TriggerSpecValidator(new TriggerOptions { DefaultTimeZone = TimeZoneInfo.Utc });
        var spec = new FunctionSpec
        {
            Name = "f",
            Namespace = "openfaas-fn",
            Image = "x",
            Annotations = new Dictionary<string, string> { ["topic"] = "cron-function", ["schedule"] = "CRON_TZ=Nowhere/Land @daily" },
        };
        Assert.That(validator.Validate(spec), Is.EqualTo("annotation schedule \"CRON_TZ=Nowhere/Land @daily\": unknown time zone \"Nowhere/Land\""));
        Assert.That(validator.Validate(spec with { Annotations = new Dictionary<string, string> { ["topic"] = "cron-function", ["schedule"] = "@daily" } }), Is.Null);
    }
}
