namespace FaasD.Images.Archives;

/// <summary>How an archive's image names combine with a base-name override.</summary>
internal static class ArchiveNames
{
    /// <param name="archived">A full reference (<c>busybox:1.36</c>, <c>ghcr.io/o/app:1</c>), a bare tag, or null.</param>
    /// <returns>The name to store the image under, or null when there is nothing to name it by.</returns>
    public static ImageReference? Resolve(string? archived, string? baseName)
    {
        var isFullReference = archived is not null && (archived.Contains('/', StringComparison.Ordinal) || archived.Contains(':', StringComparison.Ordinal) || archived.Contains('@', StringComparison.Ordinal));
        var full = isFullReference ? ImageReference.Parse(archived!) : null;
        if (baseName is not null)
        {
            var tag = full?.Tag ?? (isFullReference ? null : archived) ?? "latest";
            return ImageReference.Parse(baseName).WithTag(tag);
        }

        // A bare tag says which version, not which image; without a base name it cannot be stored.
        return full;
    }
}
