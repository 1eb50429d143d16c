namespace FaasD.Functions.Secrets;

/// <summary>
/// Secrets as files <c>&lt;root&gt;/&lt;namespace&gt;/&lt;name&gt;</c>, mode 0600 in 0700 directories,
/// bind-mounted read-only into functions at /var/openfaas/secrets/&lt;name&gt;.
/// </summary>
internal sealed class FileSecretStore(string root) : ISecretStore
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public string Root { get; } = root;

    public string PathOf(string @namespace, string name)
    {
        Names.ValidateNamespaceName(@namespace);
        Names.ValidateSecretName(name);
        return Path.Combine(Root, @namespace, name);
    }

    public Task<IReadOnlyList<string>> ListAsync(string @namespace, CancellationToken cancellationToken)
    {
        Names.ValidateNamespaceName(@namespace);
        var directory = Path.Combine(Root, @namespace);
        IReadOnlyList<string> names = Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory)
                .Select(Path.GetFileName)
                .Where(n => n is not null && !n.StartsWith('.'))
                .Select(n => n!)
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
        return Task.FromResult(names);
    }

    public async Task WriteAsync(string @namespace, string name, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var path = PathOf(@namespace, name);
        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, DirectoryMode);
        }

        try
        {
            await AtomicFile.WriteAsync(path, value, FileMode, cancellationToken);
        }
        catch (IOException ex)
        {
            // A full state disk: the write left the old value in place (temp file, rename); say so plainly (503).
            throw new FunctionPlatformException(FunctionErrorKind.Unavailable, $"cannot store secret {name} in {@namespace}: {ex.Message}", ex);
        }
    }

    public Task RemoveAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var path = PathOf(@namespace, name);
        if (!File.Exists(path))
        {
            throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"unable to find secret: {name}");
        }

        File.Delete(path);
        return Task.CompletedTask;
    }

    public bool Exists(string @namespace, string name) => File.Exists(PathOf(@namespace, name));
}
