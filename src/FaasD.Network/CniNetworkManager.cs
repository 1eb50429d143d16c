using System.Security.Cryptography;
using FaasD.Network.Cni;
using FaasD.Network.Iptables;
using Microsoft.Extensions.Options;

namespace FaasD.Network;

/// <summary>
/// Named netns + CNI, with every attachment's config and result recorded so a restarted daemon knows its IPs.
/// Order makes crashes recoverable: a pending record (config, CNI container id), the netns, CNI ADD, the final record;
/// teardown runs DEL, removes the netns, then the record. A lease or veth therefore never exists without a record that
/// leads back to it, and a netns without a record never saw ADD.
/// Calls for one id are serialised; different ids run in parallel (host-local IPAM locks its own store).
/// </summary>
internal sealed partial class CniNetworkManager : INetworkManager
{
    private const string LoopbackInterface = "lo";

    private readonly NetworkOptions _options;
    private readonly ILogger _logger;
    private readonly NamedNetworkNamespaces _namespaces;
    private readonly CniNetworkRunner _cni;
    private readonly AttachmentStore _store;
    private readonly IMasqueradeRules _masquerade;
    private readonly KeyedAsyncLock<string> _locks = new(StringComparer.Ordinal);
    private int _usingBuiltInConfig;

    public CniNetworkManager(IOptions<NetworkOptions> options, ILogger<CniNetworkManager> logger, TimeProvider? timeProvider = null)
        : this(options, logger, new IptablesMasqueradeRules(), timeProvider)
    {
    }

    internal CniNetworkManager(IOptions<NetworkOptions> options, ILogger<CniNetworkManager> logger, IMasqueradeRules masquerade, TimeProvider? timeProvider = null)
    {
        _options = options.Value;
        _logger = logger;
        _namespaces = new NamedNetworkNamespaces(_options.NetnsDirectory);
        _cni = new CniNetworkRunner(new CniPluginRunner(new CniPluginLocator(_options.PluginDirectories), _options.PluginTimeout), logger);
        _store = new AttachmentStore(_options.StateDirectory);
        _masquerade = masquerade;
        CreatePool(timeProvider ?? TimeProvider.System);
    }

    public string NetnsPathFor(string id) => _namespaces.PathFor(NetworkIds.Validate(id));

    public async Task<NetworkAttachment> AttachAsync(string id, CancellationToken cancellationToken)
    {
        var netnsPath = NetnsPathFor(id);
        using var held = await _locks.AcquireAsync(id, cancellationToken);

        var existing = await _store.ReadAsync(id, cancellationToken);
        if (existing is { Result: not null } && NamedNetworkNamespaces.IsNamespace(existing.NetnsPath))
        {
            return ToAttachment(existing);
        }

        if (existing is not null)
        {
            // A record without a live netns (reboot) or without a result (crashed attach): release what it leads to.
            LogReleasingLeftover(id);
            await ReleaseAsync(existing, cancellationToken);
        }

        // No record means no ADD ever ran for it: a netns that is there (made by PrepareAsync, perhaps already
        // joined by a task being created) holds nothing of CNI's and is used as it is.
        if (await TryTakePooledAsync(id, netnsPath) is { } pooled)
        {
            return ToAttachment(pooled);
        }

        var network = await LoadNetworkAsync(cancellationToken);

        // Missing plugins fail here, before anything exists that would need cleaning up.
        _cni.EnsureInstalled(CniNetworkConfig.Loopback);
        _cni.EnsureInstalled(network);

        var args = new CniRuntimeArgs(NewContainerId(id), netnsPath, _options.InterfaceName);
        var pending = new AttachmentRecord(id, netnsPath, args.ContainerId, args.InterfaceName, network.ToJson(), Result: null);
        var progress = new CniAddProgress((partial, token) => _store.WriteAsync(pending with { PartialResult = partial.Raw }, token));
        try
        {
            await _store.WriteAsync(pending, cancellationToken);
            await _namespaces.EnsureAsync(id, cancellationToken);
            await _cni.AddAsync(CniNetworkConfig.Loopback, args with { InterfaceName = LoopbackInterface }, progress: null, cancellationToken);
            var result = await _cni.AddAsync(network, args, progress, cancellationToken);
            var address = result.ContainerIPv4()
                ?? throw new NetworkException($"CNI network '{network.Name}' returned no IPv4 address for {id}");

            var attached = pending with { Result = result.Raw };
            await _store.WriteAsync(attached, cancellationToken);
            LogAttached(id, address.ToString(), netnsPath);
            return ToAttachment(attached);
        }
        catch (Exception e)
        {
            LogAttachFailed(e, id);
            await RollBackAsync(pending, network, progress.Result);
            throw;
        }
    }

    public async Task<string> PrepareAsync(string id, CancellationToken cancellationToken)
    {
        var netnsPath = NetnsPathFor(id);
        using var held = await _locks.AcquireAsync(id, cancellationToken);

        var existing = await _store.ReadAsync(id, cancellationToken);
        if (existing is { Result: not null } && NamedNetworkNamespaces.IsNamespace(existing.NetnsPath))
        {
            return netnsPath;
        }

        if (existing is not null)
        {
            LogReleasingLeftover(id);
            await ReleaseAsync(existing, cancellationToken);
        }

        if (await TryTakePooledAsync(id, netnsPath) is not null)
        {
            return netnsPath;
        }

        await _namespaces.EnsureAsync(id, cancellationToken);
        return netnsPath;
    }

    public async Task<NetworkAttachment?> GetAsync(string id, CancellationToken cancellationToken)
    {
        NetworkIds.Validate(id);
        using var held = await _locks.AcquireAsync(id, cancellationToken);

        var record = await _store.ReadAsync(id, cancellationToken);
        if (record is null)
        {
            return null;
        }

        if (record.Result is not null && NamedNetworkNamespaces.IsNamespace(record.NetnsPath))
        {
            return ToAttachment(record);
        }

        // The netns is gone (a reboot, or `ip netns delete`) or the attach never finished: the lease it holds is stale.
        LogReleasingLeftover(id);
        try
        {
            await ReleaseAsync(record, cancellationToken);
        }
        catch (NetworkException e)
        {
            // The record stays, so a later Detach or Attach retries the release.
            LogLeftoverReleaseFailed(e, id);
        }

        return null;
    }

    public async Task DetachAsync(string id, CancellationToken cancellationToken)
    {
        var netnsPath = NetnsPathFor(id);
        using var held = await _locks.AcquireAsync(id, cancellationToken);

        var record = await _store.ReadAsync(id, cancellationToken);
        if (record is not null)
        {
            await ReleaseAsync(record, cancellationToken);
            LogDetached(id);
            return;
        }

        // Without a record no ADD ran; at most a netns (or a bare file) is left. Detach is called again for
        // what is already detached (a stop, then a delete that makes sure): that is not news, so not logged.
        var leftover = File.Exists(netnsPath);
        NamedNetworkNamespaces.Remove(netnsPath);
        if (leftover)
        {
            LogDetached(id);
        }
    }

    /// <summary>
    /// Each attachment gets its own CNI container id (like faasd's name-pid): should an old attachment's netns vanish
    /// without a reboot, the bridge plugin cannot remove its masquerade rule, and a reused id would then collide with it.
    /// </summary>
    private static string NewContainerId(string id) => $"{id}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}";

    /// <summary>
    /// The conflist as it is now (read on every attach, so an edited file applies to the next one). A missing file
    /// means the built-in network; that is said once, not on every deploy and pool refill, and again only after the
    /// file was back in between.
    /// </summary>
    internal async Task<CniNetworkConfig> LoadNetworkAsync(CancellationToken cancellationToken)
    {
        if (_options.ConfigListJson is { } inline)
        {
            return CniNetworkConfig.Parse(inline);
        }

        if (!File.Exists(_options.ConfigListPath))
        {
            if (Interlocked.Exchange(ref _usingBuiltInConfig, 1) == 0)
            {
                LogUsingBuiltInConfig(_options.ConfigListPath);
            }

            return CniNetworkConfig.Parse(NetworkDefaults.ConfigList);
        }

        Volatile.Write(ref _usingBuiltInConfig, 0);

        try
        {
            return CniNetworkConfig.Parse(await File.ReadAllTextAsync(_options.ConfigListPath, cancellationToken));
        }
        catch (CniConfigException e)
        {
            throw new CniConfigException($"{_options.ConfigListPath}: {e.Message}", e);
        }
    }

    private static NetworkAttachment ToAttachment(AttachmentRecord record) =>
        new(record.Id, record.NetnsPath, CniResult.Parse(record.Result!).ContainerIPv4()
            ?? throw new NetworkException($"attachment record for {record.Id} has no IPv4 address"));
}
