namespace FaasD.Runtime.Lifecycle;

/// <summary>The image layer as the runtime needs it, with its failures turned into <see cref="RuntimeException"/>s.</summary>
internal sealed class ImageServiceSource(IImageService images) : IImageSource
{
    public async Task EnsureAsync(string @namespace, string image, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            if (await images.IsPresentAsync(@namespace, image, cancellationToken))
            {
                FaasD.Metrics.FaasDMetrics.RecordImagePull("cached", System.Diagnostics.Stopwatch.GetElapsedTime(started));
                return;
            }

            await images.PullAsync(@namespace, image, cancellationToken);
            FaasD.Metrics.FaasDMetrics.RecordImagePull("pulled", System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
        catch (ImagePullException exception)
        {
            FaasD.Metrics.FaasDMetrics.RecordImagePull("failed", System.Diagnostics.Stopwatch.GetElapsedTime(started));
            throw new RuntimeException(KindOf(exception.Kind), exception.Message, exception);
        }
    }

    public async Task<UnpackedImage?> GetAsync(string @namespace, string image, CancellationToken cancellationToken)
    {
        try
        {
            var local = await images.GetImageAsync(@namespace, image, cancellationToken);
            return local is null
                ? null
                : new UnpackedImage(local.Name, local.ChainId, new ImageProcessConfig
                {
                    Entrypoint = local.Config.Entrypoint,
                    Cmd = local.Config.Cmd,
                    Env = local.Config.Env,
                    WorkingDir = local.Config.WorkingDir,
                    User = local.Config.User,
                });
        }
        catch (ImagePullException exception)
        {
            // A malformed reference is reported the same way by lookups.
            throw new RuntimeException(KindOf(exception.Kind), exception.Message, exception);
        }
    }

    internal static RuntimeErrorKind KindOf(ImagePullErrorKind kind) => kind switch
    {
        ImagePullErrorKind.InvalidReference or ImagePullErrorKind.Unsupported => RuntimeErrorKind.InvalidArgument,
        ImagePullErrorKind.NotFound => RuntimeErrorKind.NotFound,
        ImagePullErrorKind.Unauthorized => RuntimeErrorKind.FailedPrecondition,
        ImagePullErrorKind.Unavailable => RuntimeErrorKind.Unavailable,
        _ => RuntimeErrorKind.Internal,
    };
}
