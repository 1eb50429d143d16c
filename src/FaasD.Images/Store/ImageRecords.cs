using FaasD.Containerd.Api.Images;
using FaasD.Containerd.Api.Types;
using Google.Protobuf.WellKnownTypes;

namespace FaasD.Images.Store;

/// <summary>containerd's image records: name → target descriptor.</summary>
internal static class ImageRecords
{
    /// <summary>Creates the record, or points an existing one (an older pull of the same tag) at the new target.</summary>
    public static async Task CreateOrUpdateAsync(ContainerdScope scope, string name, OciDescriptor target, CancellationToken cancellationToken)
    {
        var image = new Image
        {
            Name = name,
            Target = new ContentDescriptor { MediaType = target.MediaType, Digest = target.Digest, Size = target.Size },
        };

        try
        {
            await scope.Images.CreateAsync(new CreateImageRequest { Image = image }, cancellationToken: cancellationToken);
        }
        catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.AlreadyExists)
        {
            var update = new UpdateImageRequest { Image = image, UpdateMask = new FieldMask() };
            update.UpdateMask.Paths.Add("target");
            await scope.Images.UpdateAsync(update, cancellationToken: cancellationToken);
        }
    }

    public static async Task<Image?> GetAsync(ContainerdScope scope, string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await scope.Images.GetAsync(new GetImageRequest { Name = name }, cancellationToken: cancellationToken)).Image;
        }
        catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.NotFound)
        {
            return null;
        }
    }
}
