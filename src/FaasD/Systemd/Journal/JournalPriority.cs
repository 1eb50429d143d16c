namespace FaasD.Systemd.Journal;

/// <summary>syslog(3) priorities, as journald stores them in the PRIORITY field.</summary>
public enum JournalPriority
{
    Emergency = 0,
    Alert = 1,
    Critical = 2,
    Error = 3,
    Warning = 4,
    Notice = 5,
    Informational = 6,
    Debug = 7,
}
