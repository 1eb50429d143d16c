namespace FaasD.Functions.Abstractions;

/// <summary>
/// Extra checks a layer above the platform adds to deploy and update (e.g. the triggers reject a bad cron
/// schedule). The platform runs every registered validator before it touches containerd; a reason makes the
/// call fail with <see cref="FunctionErrorKind.Invalid"/> (400).
/// </summary>
public interface IFunctionSpecValidator
{
    /// <summary>Null when <paramref name="spec"/> is acceptable, otherwise a one-line reason for the caller.</summary>
    string? Validate(FunctionSpec spec);
}
