namespace FaasD.Functions.Validation;

/// <summary>Kubernetes resource quantities as OpenFaaS users write them: memory "128Mi", "1G"; cpu "500m", "1.5".</summary>
public static class Quantity
{
    private static readonly (string Suffix, decimal Factor)[] MemorySuffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
        ("k", 1000m), ("K", 1000m), ("M", 1000m * 1000), ("G", 1000m * 1000 * 1000), ("T", 1000m * 1000 * 1000 * 1000),
    ];

    /// <summary>A million cores: far above any machine, far below where the cgroup arithmetic would overflow.</summary>
    private const decimal MaxCpuMillis = 1_000_000_000m;

    public static long ParseMemoryBytes(string value)
    {
        var text = value.Trim();
        decimal factor = 1;
        foreach (var (suffix, f) in MemorySuffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                factor = f;
                text = text[..^suffix.Length];
                break;
            }
        }

        // Bounded so that the product fits a long: a 29-digit quantity must be a 400, not an overflow (500).
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0
            || number > long.MaxValue / factor)
        {
            throw new FunctionPlatformException(FunctionErrorKind.Invalid, $"invalid memory limit \"{value}\": use a quantity such as 128Mi or 1G");
        }

        return (long)decimal.Ceiling(number * factor);
    }

    /// <summary>CPU in millicores: "500m" → 500, "2" → 2000, "0.5" → 500.</summary>
    public static long ParseCpuMillis(string value)
    {
        var text = value.Trim();
        var isMilli = text.EndsWith('m');
        if (isMilli)
        {
            text = text[..^1];
        }

        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0
            || number > (isMilli ? MaxCpuMillis : MaxCpuMillis / 1000))
        {
            throw new FunctionPlatformException(FunctionErrorKind.Invalid, $"invalid cpu limit \"{value}\": use a quantity such as 500m or 1");
        }

        var millis = isMilli ? number : number * 1000;
        return Math.Max(1, (long)decimal.Ceiling(millis));
    }

    /// <summary>Renders bytes the way Kubernetes does for binary SI (what faasd returns): 134217728 → "128Mi".</summary>
    public static string FormatMemory(long bytes)
    {
        string[] units = ["Ki", "Mi", "Gi", "Ti"];
        var suffix = string.Empty;
        var value = bytes;
        foreach (var unit in units)
        {
            if (value % 1024 != 0 || value < 1024)
            {
                break;
            }

            value /= 1024;
            suffix = unit;
        }

        return value.ToString(CultureInfo.InvariantCulture) + suffix;
    }
}
