using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace FaasD.Images.References;

/// <summary>
/// A parsed, normalised image reference, following docker's rules: no registry means <c>docker.io</c>, a single
/// path component on docker.io gets <c>library/</c>, and no tag and no digest means <c>:latest</c>.
/// <code>
///   busybox                        → docker.io/library/busybox:latest
///   functions/figlet:0.13          → docker.io/functions/figlet:0.13
///   127.0.0.1:5000/x/y@sha256:…    → 127.0.0.1:5000/x/y@sha256:…
///   ghcr.io/o/app:1.0@sha256:…     → ghcr.io/o/app:1.0@sha256:…  (the digest decides what is pulled)
/// </code>
/// </summary>
public sealed partial record ImageReference
{
    public const string DockerHubDomain = "docker.io";

    /// <summary>Where docker.io's distribution API actually lives.</summary>
    public const string DockerHubEndpoint = "registry-1.docker.io";

    private const int MaxNameLength = 255;

    private ImageReference(string domain, string path, string? tag, string? digest)
    {
        Domain = domain;
        Path = path;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry as named: <c>docker.io</c>, <c>ghcr.io</c>, <c>127.0.0.1:5000</c>.</summary>
    public string Domain { get; }

    /// <summary>The repository inside the registry: <c>library/busybox</c>.</summary>
    public string Path { get; }

    /// <summary>The tag; <c>latest</c> when the reference had neither tag nor digest; null for a digest-only reference.</summary>
    public string? Tag { get; }

    /// <summary><c>sha256:&lt;64 hex&gt;</c>, or null.</summary>
    public string? Digest { get; }

    /// <summary><c>domain/path</c>, without tag or digest.</summary>
    public string Name => $"{Domain}/{Path}";

    /// <summary>The host to speak the distribution API to (docker.io's lives elsewhere).</summary>
    public string RegistryHost => Domain == DockerHubDomain ? DockerHubEndpoint : Domain;

    /// <summary>What to ask the registry for: the digest when there is one, else the tag.</summary>
    public string ManifestReference => Digest ?? Tag!;

    /// <summary>The normalised reference, e.g. <c>docker.io/library/busybox:latest</c>; this is the image record's name.</summary>
    public override string ToString() =>
        Name + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    /// <summary>This repository with another tag (used for archive names that carry only a tag).</summary>
    public ImageReference WithTag(string tag) =>
        TagPattern().IsMatch(tag) ? new ImageReference(Domain, Path, tag, null) : throw new FormatException($"invalid tag \"{tag}\"");

    public static ImageReference Parse(string reference) =>
        TryParse(reference, out var parsed, out var error) ? parsed : throw new FormatException($"invalid image reference \"{reference}\": {error}");

    public static bool TryParse(string? reference, [NotNullWhen(true)] out ImageReference? parsed) =>
        TryParse(reference, out parsed, out _);

    private static bool TryParse(string? reference, [NotNullWhen(true)] out ImageReference? parsed, out string error)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(reference) || reference != reference.Trim())
        {
            error = "empty or surrounded by spaces";
            return false;
        }

        var remainder = reference;
        string? digest = null;
        var at = remainder.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = remainder[(at + 1)..];
            remainder = remainder[..at];
            if (!DigestPattern().IsMatch(digest))
            {
                error = "the digest must be sha256: followed by 64 lower-case hex digits";
                return false;
            }
        }

        string? tag = null;
        var colon = remainder.LastIndexOf(':');
        if (colon > remainder.LastIndexOf('/'))
        {
            tag = remainder[(colon + 1)..];
            remainder = remainder[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                error = $"invalid tag \"{tag}\"";
                return false;
            }
        }

        var (domain, path) = SplitDomain(remainder);
        if (!DomainPattern().IsMatch(domain))
        {
            error = $"invalid registry \"{domain}\"";
            return false;
        }

        if (!PathPattern().IsMatch(path))
        {
            error = "repository names are lower-case letters, digits and separators (. _ __ -) between '/'";
            return false;
        }

        if (domain.Length + 1 + path.Length > MaxNameLength)
        {
            error = $"the name is longer than {MaxNameLength} characters";
            return false;
        }

        parsed = new ImageReference(domain, path, tag ?? (digest is null ? "latest" : null), digest);
        error = "";
        return true;
    }

    /// <summary>docker's rule: the first component is a registry only if it looks like a host (has . or :, is localhost, or has upper case).</summary>
    private static (string Domain, string Path) SplitDomain(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        string domain, path;
        if (slash < 0)
        {
            (domain, path) = (DockerHubDomain, name);
        }
        else
        {
            var first = name[..slash];
            var looksLikeHost = first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal)
                || first == "localhost" || first != first.ToLowerInvariant();
            (domain, path) = looksLikeHost ? (first, name[(slash + 1)..]) : (DockerHubDomain, name);
        }

        if (domain == "index.docker.io")
        {
            domain = DockerHubDomain;
        }

        if (domain == DockerHubDomain && !path.Contains('/', StringComparison.Ordinal))
        {
            path = "library/" + path;
        }

        return (domain, path);
    }

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$")]
    private static partial Regex DomainPattern();

    [GeneratedRegex(@"^[\w][\w.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex("^sha256:[a-f0-9]{64}$")]
    private static partial Regex DigestPattern();
}
