namespace FaasD.Triggers.Annotations;

/// <summary>Deploy and update reject trigger annotations that could never run (bad schedule, zone, subject): 400.</summary>
internal sealed class TriggerSpecValidator(TriggerOptions options) : IFunctionSpecValidator
{
    public string? Validate(FunctionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return TriggerAnnotations.TryParse(spec.Annotations, options.DefaultTimeZone, options.NatsUrl is not null, out _, out var error) ? null : error;
    }
}
