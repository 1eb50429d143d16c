namespace FaasD.Compose.Model;

/// <summary>A bind mount with its host source resolved to an absolute path (named volumes live under the state directory).</summary>
/// <param name="Source">Absolute host path.</param>
/// <param name="Target">Absolute path in the container.</param>
/// <param name="IsNamedVolume">True when the source is a directory we own (<c>&lt;state&gt;/volumes/&lt;name&gt;</c>) and always create.</param>
public sealed record ServiceVolume(string Source, string Target, bool ReadOnly, bool IsNamedVolume);
