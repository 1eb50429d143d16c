namespace FaasD.TestSupport.Images;

/// <summary>One thing in a test image's single layer. Paths are absolute inside the image (<c>/bin/sh</c>).</summary>
public abstract record ImageEntry(string Path)
{
    /// <summary>The path as a tar entry name: relative, no leading slash.</summary>
    internal string TarName => Path.TrimStart('/');
}

/// <summary>A regular file whose bytes come from memory or from a file on this machine (read when the layer is built).</summary>
public sealed record ImageFile(string Path, UnixFileMode Mode, byte[]? Content = null, string? HostPath = null) : ImageEntry(Path);

public sealed record ImageSymlink(string Path, string Target) : ImageEntry(Path);

public sealed record ImageDirectory(string Path, UnixFileMode Mode) : ImageEntry(Path);
