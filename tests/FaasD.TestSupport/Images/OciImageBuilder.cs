using System.Runtime.InteropServices;
using System.Text.Json;

namespace FaasD.TestSupport.Images;

/// <summary>Turns contents and a config into an OCI image (layer, config JSON, manifest JSON) with stable digests.</summary>
public static class OciImageBuilder
{
    /// <summary>Where built layers and exported archives are kept between test runs (content-addressed, so safe to share).</summary>
    public static string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "faasd-test-images");

    /// <summary>This machine's architecture in OCI terms: the binaries a test image copies from here only run here.</summary>
    public static string HostArchitecture => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        var other => other.ToString().ToLowerInvariant(),
    };

    public static async Task<BuiltImage> BuildAsync(ImageContents contents, TestImageConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contents);
        ArgumentNullException.ThrowIfNull(config);
        var layer = await LayerBuilder.BuildAsync(contents, WorkDirectory, cancellationToken);
        var configJson = ConfigJson(config, layer);
        var configDigest = Sha256Digest.Of(configJson);
        var manifest = ManifestJson(configDigest, configJson.Length, layer);
        return new BuiltImage(layer, configJson, configDigest, manifest, Sha256Digest.Of(manifest));
    }

    private static byte[] ConfigJson(TestImageConfig config, LayerBlob layer) => Json(writer =>
    {
        // No "created" time: it would change the digest on every build.
        writer.WriteString("architecture", HostArchitecture);
        writer.WriteString("os", "linux");
        writer.WriteStartObject("config");
        WriteStrings(writer, "Entrypoint", config.Entrypoint);
        WriteStrings(writer, "Cmd", config.Cmd);
        WriteStrings(writer, "Env", config.Env);
        if (config.WorkingDir is { } workingDir)
        {
            writer.WriteString("WorkingDir", workingDir);
        }

        if (config.User is { } user)
        {
            writer.WriteString("User", user);
        }

        if (config.ExposedPorts.Count > 0)
        {
            writer.WriteStartObject("ExposedPorts");
            foreach (var port in config.ExposedPorts)
            {
                writer.WriteStartObject(port);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        if (config.Labels.Count > 0)
        {
            writer.WriteStartObject("Labels");
            foreach (var (key, value) in config.Labels.OrderBy(label => label.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("rootfs");
        writer.WriteString("type", "layers");
        WriteStrings(writer, "diff_ids", [layer.DiffId]);
        writer.WriteEndObject();
    });

    private static byte[] ManifestJson(string configDigest, long configSize, LayerBlob layer) => Json(writer =>
    {
        writer.WriteNumber("schemaVersion", 2);
        writer.WriteString("mediaType", OciMediaTypes.Manifest);
        writer.WriteStartObject("config");
        WriteDescriptorFields(writer, OciMediaTypes.Config, configDigest, configSize);
        writer.WriteEndObject();
        writer.WriteStartArray("layers");
        writer.WriteStartObject();
        WriteDescriptorFields(writer, OciMediaTypes.LayerGzip, layer.Digest, layer.Size);
        writer.WriteEndObject();
        writer.WriteEndArray();
    });

    internal static void WriteDescriptorFields(Utf8JsonWriter writer, string mediaType, string digest, long size)
    {
        writer.WriteString("mediaType", mediaType);
        writer.WriteString("digest", digest);
        writer.WriteNumber("size", size);
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    internal static byte[] Json(Action<Utf8JsonWriter> writeProperties)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
