namespace FaasD.Containerd;

/// <summary>What every scope and helper shares, passed along as one value instead of a parameter list.</summary>
internal sealed record ContainerdScopeDependencies(ILoggerFactory LoggerFactory, TimeProvider TimeProvider);
