using FaasD.Images.Archives;

namespace FaasD.Images;

internal sealed partial class ImageService
{
    public async Task<IReadOnlyList<ImagePullResult>> ImportAsync(string @namespace, string archivePath, ImageImportOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        var baseName = options?.BaseName;
        if (baseName is not null && !References.ImageReference.TryParse(baseName, out _))
        {
            throw new ImagePullException(ImagePullErrorKind.InvalidReference, baseName, $"invalid base name \"{baseName}\"");
        }

        try
        {
            await using var archive = await ImageArchive.OpenAsync(archivePath, cancellationToken);
            var source = new ArchiveImageSource(archive, archivePath);
            var images = OciArchiveReader.IsOciLayout(archive) ? await OciArchiveReader.ReadAsync(archive, archivePath, baseName, cancellationToken)
                : DockerArchiveReader.IsDockerArchive(archive) ? await DockerArchiveReader.ReadAsync(archive, source, archivePath, baseName, cancellationToken)
                : throw new ImagePullException(ImagePullErrorKind.Unsupported, archivePath, $"{archivePath}: neither an OCI image layout (oci-layout, index.json) nor a docker save archive (manifest.json)");
            if (images.Count == 0)
            {
                throw new ImagePullException(ImagePullErrorKind.NotFound, archivePath, $"{archivePath}: the archive names no image; pass a base name to name it");
            }

            var results = new List<ImagePullResult>();
            foreach (var image in images)
            {
                var name = image.Name.ToString();
                using var serialised = await _locks.AcquireAsync($"{@namespace}\n{name}", cancellationToken);
                results.Add(await StoreAsync(@namespace, name, source, image.Target, targetContent: null, cancellationToken));
                Log.Imported(_logger, name, @namespace, archivePath);
            }

            return results;
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ImagePullException(ImagePullErrorKind.NotFound, archivePath, $"{archivePath}: {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is InvalidDataException or FormatException)
        {
            throw new ImagePullException(ImagePullErrorKind.Corrupt, archivePath, $"{archivePath}: not a readable image archive: {exception.Message}", exception);
        }
        catch (Exception exception) when (Translate(exception, archivePath) is { } translated)
        {
            throw translated;
        }
    }
}
