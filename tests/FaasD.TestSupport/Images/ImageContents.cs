namespace FaasD.TestSupport.Images;

/// <summary>
/// The files of a one-layer test image, built up fluently. A later entry for the same path replaces the earlier
/// one; missing parent directories are added when the layer is written.
/// </summary>
/// <example>
/// <code>
/// var contents = ImageContents.Busybox()
///     .AddFile("/www/index.html", "hello\n");
/// await contents.AddBinaryWithLibrariesAsync("/usr/local/bin/fwatchdog", "/usr/bin/fwatchdog", ct);
/// </code>
/// </example>
public sealed class ImageContents
{
    public const UnixFileMode RegularMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public const UnixFileMode ExecutableMode = RegularMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly SortedDictionary<string, ImageEntry> _entries = new(StringComparer.Ordinal);

    /// <summary>The entries in tar order (ordinal by path, so a directory precedes what it holds).</summary>
    public IReadOnlyCollection<ImageEntry> Entries => _entries.Values;

    /// <summary>
    /// <c>/bin/busybox</c> from this machine (busybox-static) with a link for every applet it lists, at the usual
    /// paths (<c>/bin/sh</c>, <c>/usr/bin/env</c>, <c>/sbin/ip</c> …), plus <c>/etc/passwd</c>, <c>/etc/group</c>
    /// (root and nobody) and a sticky <c>/tmp</c>.
    /// </summary>
    public static ImageContents Busybox() => new ImageContents().AddBusybox();

    public ImageContents AddBusybox()
    {
        AddHostFile(BusyboxApplets.BusyboxPath, "/bin/busybox", ExecutableMode);
        foreach (var applet in BusyboxApplets.List())
        {
            if (applet != "/bin/busybox")
            {
                AddSymlink(applet, "/bin/busybox");
            }
        }

        AddFile("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        AddFile("/etc/group", "root:x:0:\nnogroup:x:65534:\n");
        AddDirectory("/root", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return AddDirectory("/tmp", ExecutableMode | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.StickyBit);
    }

    public ImageContents AddFile(string path, string text, UnixFileMode mode = RegularMode) =>
        AddFile(path, System.Text.Encoding.UTF8.GetBytes(text), mode);

    public ImageContents AddFile(string path, byte[] content, UnixFileMode mode = RegularMode) =>
        Add(new ImageFile(Absolute(path), mode, Content: content));

    /// <summary>Copies a file from this machine (following symlinks); the mode defaults to the host file's.</summary>
    public ImageContents AddHostFile(string hostPath, string imagePath, UnixFileMode? mode = null)
    {
        if (!File.Exists(hostPath))
        {
            throw new FileNotFoundException($"test image file {hostPath} does not exist on this machine", hostPath);
        }

        return Add(new ImageFile(Absolute(imagePath), mode ?? File.GetUnixFileMode(hostPath), HostPath: hostPath));
    }

    public ImageContents AddSymlink(string path, string target) => Add(new ImageSymlink(Absolute(path), target));

    public ImageContents AddDirectory(string path, UnixFileMode mode = ExecutableMode) => Add(new ImageDirectory(Absolute(path), mode));

    /// <summary>
    /// Adds a dynamically linked program and every shared library <c>ldd</c> lists for it (at the paths ldd
    /// resolves, the loader included), so the binary runs in an image that has no libc of its own.
    /// </summary>
    public async Task<ImageContents> AddBinaryWithLibrariesAsync(string hostPath, string imagePath, CancellationToken cancellationToken = default)
    {
        AddHostFile(hostPath, imagePath, ExecutableMode);
        foreach (var library in await SharedLibraries.OfAsync(hostPath, cancellationToken))
        {
            AddHostFile(library, library, ExecutableMode);
        }

        return this;
    }

    private ImageContents Add(ImageEntry entry)
    {
        _entries[entry.Path] = entry;
        return this;
    }

    private static string Absolute(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var trimmed = "/" + path.Trim('/');
        return trimmed == "/" ? throw new ArgumentException("the image root is not an entry", nameof(path)) : trimmed;
    }
}
