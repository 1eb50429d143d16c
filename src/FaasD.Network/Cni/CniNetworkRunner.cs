namespace FaasD.Network.Cni;

/// <summary>
/// Runs a whole conflist: ADD in order with each plugin's result chained into the next one's prevResult;
/// CHECK and DEL with the stored final ADD result as prevResult, DEL in reverse order (as libcni does).
/// </summary>
internal sealed partial class CniNetworkRunner
{
    private readonly CniPluginRunner _plugins;
    private readonly ILogger _logger;

    public CniNetworkRunner(CniPluginRunner plugins, ILogger logger)
    {
        _plugins = plugins;
        _logger = logger;
    }

    /// <summary>Fails before anything runs when a plugin of the list is not installed.</summary>
    public void EnsureInstalled(CniNetworkConfig network)
    {
        foreach (var plugin in network.Plugins)
        {
            _plugins.Locator.Locate(plugin.Type);
        }
    }

    /// <summary>
    /// ADD through the list. When a plugin fails, the plugins before it have done their work: <paramref name="progress"/>
    /// then holds the result chained so far, which is what DEL needs as prevResult to undo it (the firewall plugin finds
    /// its rules only through it). The progress saves it before each later plugin runs, for a crash instead of a failure.
    /// </summary>
    public async Task<CniResult> AddAsync(CniNetworkConfig network, CniRuntimeArgs args, CniAddProgress? progress, CancellationToken cancellationToken)
    {
        JsonObject? previous = null;
        foreach (var plugin in network.Plugins)
        {
            if (previous is not null && progress is not null)
            {
                await progress.SaveAsync(cancellationToken);
            }

            var stdout = await _plugins.RunAsync(CniCommand.Add, plugin, network.StdinFor(plugin, previous), args, cancellationToken);

            // A plugin that prints nothing (allowed for pass-through meta plugins) leaves the chained result as it was.
            if (!string.IsNullOrWhiteSpace(stdout))
            {
                var result = CniResult.Parse(stdout);
                previous = result.Raw;
                progress?.Record(result);
            }
        }

        return CniResult.Parse(previous ?? new JsonObject { ["cniVersion"] = network.CniVersion });
    }

    public async Task CheckAsync(CniNetworkConfig network, CniRuntimeArgs args, CniResult? added, CancellationToken cancellationToken)
    {
        foreach (var plugin in network.Plugins)
        {
            await _plugins.RunAsync(CniCommand.Check, plugin, network.StdinFor(plugin, added?.Raw), args, cancellationToken);
        }
    }

    /// <summary>
    /// Every plugin gets its DEL even when an earlier one fails, so the IPAM lease is released whatever the firewall says;
    /// the first failure is then thrown. "Container unknown" (code 3) means already deleted and is not a failure.
    /// </summary>
    public async Task DeleteAsync(CniNetworkConfig network, CniRuntimeArgs args, CniResult? added, CancellationToken cancellationToken)
    {
        NetworkException? firstFailure = null;
        foreach (var plugin in network.Plugins.Reverse())
        {
            try
            {
                await _plugins.RunAsync(CniCommand.Del, plugin, network.StdinFor(plugin, added?.Raw), args, cancellationToken);
            }
            catch (CniPluginException e) when (e.Error.Code == CniError.ContainerUnknown)
            {
                LogAlreadyDeleted(plugin.Type, args.ContainerId);
            }
            catch (Exception e) when (e is CniPluginException or CniConfigException)
            {
                // CniConfigException here: a plugin of the recorded config has been uninstalled since ADD.
                LogDeleteFailed(e, plugin.Type, args.ContainerId);
                firstFailure ??= (NetworkException)e;
            }
        }

        if (firstFailure is not null)
        {
            throw firstFailure;
        }
    }

    [LoggerMessage(EventId = LogEvents.LogAlreadyDeleted, Level = LogLevel.Debug, Message = "CNI plugin {Plugin} DEL for {ContainerId}: already gone")] private partial void LogAlreadyDeleted(string plugin, string containerId);

    [LoggerMessage(EventId = LogEvents.LogDeleteFailed, Level = LogLevel.Warning, Message = "CNI plugin {Plugin} DEL for {ContainerId} failed; the other plugins still run")] private partial void LogDeleteFailed(Exception exception, string plugin, string containerId);
}
