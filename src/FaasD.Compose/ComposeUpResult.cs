namespace FaasD.Compose;

/// <summary>How start-up of the services went: the outcome per service, or why the file was refused.</summary>
public sealed record ComposeUpResult(
    ComposeProject? Project,
    IReadOnlyDictionary<string, ServiceStartOutcome> Outcomes,
    ComposeException? Error,
    TimeSpan Elapsed)
{
    public static ComposeUpResult Empty(ComposeException? error) =>
        new(null, new Dictionary<string, ServiceStartOutcome>(), error, TimeSpan.Zero);

    public bool AllUp => Error is null && Outcomes.Values.All(o => o != ServiceStartOutcome.Failed);
}
