namespace FaasD.Queue.Embedded;

/// <summary>A call found in the log without an acknowledgment: it must run (again) after a restart.</summary>
internal sealed record PendingEntry(long Sequence, byte[] Payload, int AttemptsMade, long NotBeforeMs);

/// <summary>What opening the log found.</summary>
internal sealed record RecoveredLog(IReadOnlyList<PendingEntry> Pending, long NextSequence, long TruncatedBytes, int Segments);
