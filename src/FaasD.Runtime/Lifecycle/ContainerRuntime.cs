using FaasD.Runtime.Logs;
using Microsoft.Extensions.Options;

using FaasD.Runtime.Users;

namespace FaasD.Runtime.Lifecycle;

/// <summary>
/// Containers and tasks on containerd, one named network namespace each. The operations are split by
/// concern: <c>.Namespaces.cs</c>, <c>.Containers.cs</c> (records and snapshots), <c>.Start.cs</c>, <c>.Tasks.cs</c> (status),
/// <c>.Stop.cs</c>, <c>.Freezer.cs</c> (pause/resume), <c>.Exits.cs</c> (exit events). Every step treats
/// "already there" and "already gone" as success, so an operation cut short by a crash completes when run
/// again. Calls for one container are expected one at a time (the caller's per-function state machine).
/// </summary>
internal sealed partial class ContainerRuntime : IContainerRuntime
{
    private readonly ContainerdClient _containerd;
    private readonly INetworkManager _network;
    private readonly IImageSource _images;
    private readonly RuntimeOptions _options;
    private readonly CgroupHost _cgroups;
    private readonly CgroupFreezer _freezer;
    private readonly OciSpecBuilder _specBuilder;
    private readonly TaskLogFiles _logs;
    private readonly UserOwnedCopies _ownedCopies;
    private readonly ILogger<ContainerRuntime> _logger;

    public ContainerRuntime(
        ContainerdClient containerd,
        INetworkManager network,
        IImageService images,
        IOptions<RuntimeOptions> options,
        ILoggerFactory loggerFactory,
        TimeProvider? timeProvider = null)
        : this(
            containerd,
            network,
            new ImageServiceSource(images ?? throw new ArgumentNullException(nameof(images))),
            (options ?? throw new ArgumentNullException(nameof(options))).Value,
            loggerFactory,
            timeProvider ?? TimeProvider.System)
    {
    }

    public ContainerRuntime(
        ContainerdClient containerd,
        INetworkManager network,
        IImageSource images,
        RuntimeOptions options,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(containerd);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _containerd = containerd;
        _network = network;
        _images = images;
        _options = options;
        _cgroups = new CgroupHost(options);
        _freezer = new CgroupFreezer(_cgroups, options, timeProvider);
        _specBuilder = new OciSpecBuilder(options, loggerFactory.CreateLogger<OciSpecBuilder>());
        _logs = new TaskLogFiles(options);
        _ownedCopies = new UserOwnedCopies(options.OwnedCopiesDirectory);
        _logger = loggerFactory.CreateLogger<ContainerRuntime>();
    }

    public string LogPathFor(string @namespace, string id)
    {
        ContainerNames.Validate(@namespace, id);
        return _logs.PathFor(@namespace, id);
    }

    public Task EnsureImageAsync(string @namespace, string image, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(image);
        return RuntimeErrors.TranslateAsync(async () =>
        {
            ContainerNames.ValidateNamespace(@namespace);
            await _images.EnsureAsync(@namespace, image, cancellationToken);
        });
    }

    private ContainerdScope ScopeOf(string @namespace) => _containerd.Namespace(@namespace);

    private string CgroupsPathOf(string @namespace, string id) => ContainerNames.CgroupsPath(_options.CgroupParent, @namespace, id);
}
