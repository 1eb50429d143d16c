namespace FaasD.Images;

/// <summary>An image record as <c>faasd image ls</c> shows it.</summary>
public sealed record ImageSummary(string Name, string TargetDigest, string MediaType, long TargetSize, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt);
