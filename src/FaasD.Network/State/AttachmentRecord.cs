namespace FaasD.Network.State;

/// <summary>
/// What a later DEL needs: the exact network config and CNI container id used, and the final ADD result.
/// Written once before ADD with a null Result (pending) and again after it, so a crash at any point leaves a record
/// that leads to whatever ADD did. Network and Result stay raw JSON so any plugin's fields round-trip untouched.
/// PartialResult is the result chained so far, written before each plugin after the first runs its ADD: after a crash in
/// the middle of the list it is the prevResult that lets those plugins' DEL (the firewall's) find what they added.
/// </summary>
internal sealed record AttachmentRecord(
    string Id,
    string NetnsPath,
    string ContainerId,
    string InterfaceName,
    JsonObject Network,
    JsonObject? Result,
    JsonObject? PartialResult = null);
