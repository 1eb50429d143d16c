using FaasD.Network.Iptables;

namespace FaasD.Network.Tests.Iptables;

/// <summary>An in-memory nat table of masquerades; records what was removed.</summary>
internal sealed class FakeMasqueradeRules : IMasqueradeRules
{
    public List<CniMasquerade> Rules { get; } = [];

    public List<CniMasquerade> Removed { get; } = [];

    public int Lists { get; private set; }

    /// <summary>Runs inside ListAsync after the listing is taken: something that happens while the caller reads it.</summary>
    public Func<Task>? AfterList { get; set; }

    public Exception? Failure { get; set; }

    public static CniMasquerade Masquerade(string network, string containerId, string source = "10.9.0.5/32") =>
        new(network, containerId, [source], ChainExists: true);

    public async Task<IReadOnlyList<CniMasquerade>> ListAsync(CancellationToken cancellationToken)
    {
        Lists++;
        if (Failure is not null)
        {
            throw Failure;
        }

        var listing = Rules.ToList();
        if (AfterList is not null)
        {
            await AfterList();
        }

        return listing;
    }

    public Task RemoveAsync(CniMasquerade masquerade, CancellationToken cancellationToken)
    {
        if (Failure is not null)
        {
            throw Failure;
        }

        Rules.Remove(masquerade);
        Removed.Add(masquerade);
        return Task.CompletedTask;
    }
}
