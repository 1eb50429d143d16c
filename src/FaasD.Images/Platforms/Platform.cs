using System.Runtime.InteropServices;

namespace FaasD.Images.Platforms;

/// <summary>An OCI platform: <c>linux/amd64</c>, <c>linux/arm64/v8</c>, <c>linux/arm/v7</c>.</summary>
public sealed record Platform(string Os, string Architecture, string Variant = "")
{
    /// <summary>This machine, normalised the way containerd does (32-bit ARM is assumed to be v7).</summary>
    public static Platform Host { get; } = Normalize(new Platform("linux", RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.X86 => "386",
        var other => other.ToString().ToLowerInvariant(),
    }));

    public static Platform Parse(string text)
    {
        var parts = (text ?? throw new ArgumentNullException(nameof(text))).Split('/');
        return parts.Length switch
        {
            2 => Normalize(new Platform(parts[0], parts[1])),
            3 => Normalize(new Platform(parts[0], parts[1], parts[2])),
            _ => throw new FormatException($"invalid platform \"{text}\": expected os/arch or os/arch/variant"),
        };
    }

    /// <summary>Maps the aliases images use (<c>x86_64</c>, <c>aarch64</c>, <c>armhf</c>) to OCI names and fills default variants.</summary>
    public static Platform Normalize(Platform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var os = platform.Os.ToLowerInvariant();
        var (architecture, variant) = (platform.Architecture.ToLowerInvariant(), platform.Variant.ToLowerInvariant()) switch
        {
            ("x86_64" or "x86-64" or "amd64", var v) => ("amd64", v),
            ("i386" or "386", var v) => ("386", v),
            ("aarch64" or "arm64", "" or "8" or "v8") => ("arm64", "v8"),
            ("aarch64" or "arm64", var v) => ("arm64", v),
            ("armhf", _) => ("arm", "v7"),
            ("armel", _) => ("arm", "v6"),
            ("arm", "" or "7") => ("arm", "v7"),
            ("arm", "5" or "6" or "8") => ("arm", "v" + platform.Variant),
            var (a, v) => (a, v),
        };
        return new Platform(os, architecture, variant);
    }

    public override string ToString() => Variant.Length == 0 ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
