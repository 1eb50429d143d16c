namespace FaasD.Systemd.Manager;

/// <summary>One change EnableUnitFiles made: type ("symlink" or "unlink"), the file, and where it points.</summary>
public sealed record UnitFileChange(string Type, string FileName, string Destination);
