namespace FaasD.Systemd.Journal;

/// <summary>What became of one entry. Expected outcomes on the log path are values, not exceptions.</summary>
public enum JournalWriteResult
{
    /// <summary>Sent as one datagram.</summary>
    Sent,

    /// <summary>Too large for a datagram: sent as a sealed memfd passed with SCM_RIGHTS.</summary>
    SentAsMemfd,

    /// <summary>Too large and the memfd path failed: MESSAGE was cut and a note appended.</summary>
    SentTruncated,

    /// <summary>journald's socket buffer was full (or journald is gone): the entry was dropped and counted.</summary>
    Dropped,
}
