namespace FaasD.Systemd.Install;

/// <summary>
/// The files `faasd install` lays down, carried inside the single-file binary as embedded resources
/// (FaasD.Systemd.&lt;file name&gt;) so the binary alone is enough to install; a file of the same name next to
/// the binary wins, so an operator can ship an adjusted unit without rebuilding.
/// </summary>
public static class InstallAssets
{
    public const string ServiceUnit = "faasd.service";
    public const string CniConflist = "10-openfaas.conflist";

    /// <summary>From <paramref name="directory"/> when given (tests), else beside the binary, else embedded.</summary>
    /// <summary>True when the binary carries the file itself, as a release build must.</summary>
    public static bool IsEmbedded(string fileName) =>
        typeof(InstallAssets).Assembly.GetManifestResourceInfo("FaasD.Systemd." + fileName) is not null;

    public static byte[] Load(string fileName, string? directory = null)
    {
        if (directory is not null)
        {
            return File.ReadAllBytes(Path.Combine(directory, fileName));
        }

        var beside = Path.Combine(AppContext.BaseDirectory, fileName);
        if (File.Exists(beside))
        {
            return File.ReadAllBytes(beside);
        }

        using var resource = typeof(InstallAssets).Assembly.GetManifestResourceStream("FaasD.Systemd." + fileName)
            ?? throw new FileNotFoundException(
                $"{fileName} is neither embedded in this binary (resource FaasD.Systemd.{fileName}) nor next to it in {AppContext.BaseDirectory}.",
                fileName);
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        return copy.ToArray();
    }
}
