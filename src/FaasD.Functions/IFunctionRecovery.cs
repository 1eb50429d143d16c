namespace FaasD.Functions;

/// <summary>
/// What the host runs once at start-up, before the gateway serves: marks openfaas-fn as an OpenFaaS namespace
/// and rebuilds the in-memory view of every function from containerd, the only source of truth.
/// </summary>
public interface IFunctionRecovery
{
    Task<RecoverySummary> RecoverAsync(CancellationToken cancellationToken);
}

/// <summary>What recovery found: tasks adopted running or frozen, started again, or left stopped after a failed start.</summary>
public sealed class RecoverySummary
{
    public int Adopted;
    public int Frozen;
    public int Restarted;
    public int Failed;

    /// <summary>Removals a crash (or containerd) had cut short, finished at start.</summary>
    public int RemovalsFinished;

    /// <summary>Network attachments whose container was gone (a crash or a failed removal left them), released at start.</summary>
    public int NetworksReleased;

    public override string ToString() =>
        $"{Adopted} adopted, {Frozen} frozen, {Restarted} restarted, {Failed} failed"
        + (RemovalsFinished > 0 ? $", {RemovalsFinished} removals finished" : "")
        + (NetworksReleased > 0 ? $", {NetworksReleased} orphaned networks released" : "");
}
