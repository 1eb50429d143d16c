namespace FaasD.Functions;

/// <summary>The one place runtime failures become platform failures (and so HTTP statuses).</summary>
internal static class RuntimeErrors
{
    public static FunctionPlatformException Translate(RuntimeException ex, string context) => new(
        ex.Kind switch
        {
            RuntimeErrorKind.NotFound => FunctionErrorKind.NotFound,
            RuntimeErrorKind.AlreadyExists => FunctionErrorKind.AlreadyExists,
            RuntimeErrorKind.InvalidArgument => FunctionErrorKind.Invalid,
            RuntimeErrorKind.Unavailable => FunctionErrorKind.Unavailable,
            _ => FunctionErrorKind.Internal,
        },
        $"{context}: {ex.Message}",
        ex);
}
