namespace FaasD.Images.Collection;

/// <summary>When the automatic image GC (<c>AddImageGarbageCollection</c>) runs and how full the disk may get.</summary>
public sealed record ImageGcOptions
{
    /// <summary>Off: images are removed only by `faasd image rm|prune`.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>containerd's root directory: where disk use is measured.</summary>
    public string DiskPath { get; init; } = "/var/lib/containerd";

    /// <summary>Disk use (percent) at which every FaasD namespace is pruned.</summary>
    public int HighThreshold { get; init; } = 85;

    /// <summary>Disk use (percent) a prune aims below; above it after a prune, a warning says what is left is in use.</summary>
    public int LowThreshold { get; init; } = 80;
}
