namespace FaasD.Runtime.Lifecycle;

/// <summary>The one place lower layers' failures become <see cref="RuntimeException"/>s, so callers above test kinds only.</summary>
internal static class RuntimeErrors
{
    public static RuntimeErrorKind KindOf(ContainerdErrorKind kind) => kind switch
    {
        ContainerdErrorKind.NotFound => RuntimeErrorKind.NotFound,
        ContainerdErrorKind.AlreadyExists => RuntimeErrorKind.AlreadyExists,
        ContainerdErrorKind.FailedPrecondition => RuntimeErrorKind.FailedPrecondition,
        ContainerdErrorKind.InvalidArgument => RuntimeErrorKind.InvalidArgument,
        ContainerdErrorKind.Unavailable or ContainerdErrorKind.DeadlineExceeded => RuntimeErrorKind.Unavailable,
        _ => RuntimeErrorKind.Internal,
    };

    public static RuntimeException From(ContainerdException exception) =>
        new(KindOf(exception.Kind), exception.Message, exception);

    public static RuntimeException From(NetworkException exception) =>
        new(RuntimeErrorKind.Internal, $"network: {exception.Message}", exception);

    /// <summary>Runs one public operation, translating what escapes from the layers below.</summary>
    public static async Task<T> TranslateAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (ContainerdException exception)
        {
            throw From(exception);
        }
        catch (NetworkException exception)
        {
            throw From(exception);
        }
    }

    public static Task TranslateAsync(Func<Task> operation) =>
        TranslateAsync(async () =>
        {
            await operation();
            return true;
        });

    public static bool IsNotFound(this ContainerdException exception) => exception.Kind == ContainerdErrorKind.NotFound;

    public static bool IsAlreadyExists(this ContainerdException exception) => exception.Kind == ContainerdErrorKind.AlreadyExists;
}
