namespace FaasD.Images;

/// <summary>How an archive's images are named.</summary>
public sealed record ImageImportOptions
{
    /// <summary>
    /// A repository (e.g. <c>registry.local/team/app</c>) that replaces the one the archive names; the archive's
    /// tag is kept (<c>latest</c> when it has none). Required when the archive carries only tags, or no names.
    /// </summary>
    public string? BaseName { get; init; }
}
