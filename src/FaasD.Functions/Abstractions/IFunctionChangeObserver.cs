namespace FaasD.Functions.Abstractions;

/// <summary>
/// Told by the platform right after a function was deployed, updated or removed, so that followers (triggers)
/// react at once instead of polling. Called on the management call's thread: implementations only record the
/// change (e.g. write it to a channel) and must not block or throw. Functions recovered at start-up are not
/// announced: the host starts its background services after recovery, so followers see them in their first listing.
/// </summary>
public interface IFunctionChangeObserver
{
    void OnFunctionChanged(FunctionChange change);
}

public enum FunctionChangeKind
{
    Deployed,
    Updated,
    Removed,
}

/// <summary>One change; <see cref="Spec"/> is the new deployment, null for <see cref="FunctionChangeKind.Removed"/>.</summary>
public sealed record FunctionChange(FunctionChangeKind Kind, string Namespace, string Name, FunctionSpec? Spec);
