using System.Collections.Concurrent;

namespace FaasD.Compose.Names;

/// <summary>
/// The current IP of every running service: the port proxies read it per connection, and each change is written
/// to the shared hosts file so functions and services resolve names to the address of now, not of start-up.
/// </summary>
internal sealed class ServiceAddressBook(HostsFile hostsFile, IReadOnlyDictionary<string, IPAddress> extraHosts)
{
    private readonly ConcurrentDictionary<string, IPAddress> _addresses = new(StringComparer.Ordinal);

    // Render and write under one lock, so a slower writer can never put an older picture over a newer one.
    private readonly SemaphoreSlim _flush = new(1, 1);

    public IPAddress? Find(string service) => _addresses.TryGetValue(service, out var address) ? address : null;

    public IReadOnlyDictionary<string, IPAddress> Snapshot() => new Dictionary<string, IPAddress>(_addresses);

    /// <summary>Learns an address without writing the file (start-up, before the first write, so it loses no lines).</summary>
    public void Remember(string service, IPAddress address) => _addresses[service] = address;

    public Task SetAsync(string service, IPAddress address, CancellationToken cancellationToken)
    {
        _addresses[service] = address;
        return FlushAsync(cancellationToken);
    }

    public Task RemoveAsync(string service, CancellationToken cancellationToken)
    {
        _addresses.TryRemove(service, out _);
        return FlushAsync(cancellationToken);
    }

    /// <summary>Writes the file from the current map; a service name wins over an extra name of the same spelling.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flush.WaitAsync(cancellationToken);
        try
        {
            var entries = new Dictionary<string, IPAddress>(extraHosts, StringComparer.Ordinal);
            foreach (var (service, address) in _addresses)
            {
                entries[service] = address;
            }

            await hostsFile.WriteAsync(HostsFile.Render(entries), cancellationToken);
        }
        finally
        {
            _flush.Release();
        }
    }
}
