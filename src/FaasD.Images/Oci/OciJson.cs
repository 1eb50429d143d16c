using System.Text.Json.Serialization.Metadata;

namespace FaasD.Images.Oci;

/// <summary>Parses the JSON documents of an image; a document that does not parse is corrupt content.</summary>
internal static class OciJson
{
    public static T Parse<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> type, string what, string reference)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type)
                ?? throw new ImagePullException(ImagePullErrorKind.Corrupt, reference, $"{reference}: {what} is JSON null");
        }
        catch (JsonException exception)
        {
            throw new ImagePullException(ImagePullErrorKind.Corrupt, reference, $"{reference}: {what} is not valid JSON: {exception.Message}", exception);
        }
    }

    public static ImageConfig ToImageConfig(OciImageConfigDocument document) => new()
    {
        Entrypoint = document.Config?.Entrypoint ?? [],
        Cmd = document.Config?.Cmd ?? [],
        Env = document.Config?.Env ?? [],
        WorkingDir = document.Config?.WorkingDir ?? "",
        User = document.Config?.User ?? "",
        ExposedPorts = document.Config?.ExposedPorts?.Keys.Order(StringComparer.Ordinal).ToArray() ?? [],
        Labels = document.Config?.Labels ?? new Dictionary<string, string>(),
        StopSignal = document.Config?.StopSignal ?? "",
        Os = document.Os ?? "",
        Architecture = document.Architecture ?? "",
    };
}
