using System.Text.Json.Nodes;

namespace FaasD.Network;

internal sealed partial class CniNetworkManager
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListAttachmentsAsync(string idPrefix, IReadOnlySet<string> except, TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var candidates = Directory.Exists(_options.StateDirectory)
            ? Directory.GetFiles(_options.StateDirectory, idPrefix + "*.json")
                .Where(path => !except.Contains(Path.GetFileNameWithoutExtension(path)) && now - File.GetLastWriteTimeUtc(path) >= olderThan)
                .ToList()
            : [];
        if (candidates.Count == 0)
        {
            return [];
        }

        var current = (await LoadNetworkAsync(cancellationToken)).ToJson();
        var ids = new List<string>();
        foreach (var id in candidates.Select(path => Path.GetFileNameWithoutExtension(path)))
        {
            try
            {
                // Another network's records (another daemon's bridge in the same directory) are not this daemon's to list.
                if (await _store.ReadAsync(id, cancellationToken) is { } record && JsonNode.DeepEquals(record.Network, current))
                {
                    ids.Add(id);
                }
            }
            catch (NetworkException e)
            {
                LogUnreadableRecord(e, id);
            }
        }

        return ids;
    }

    [LoggerMessage(EventId = LogEvents.LogUnreadableRecord, Level = LogLevel.Warning, Message = "Attachment record of {Id} is unreadable; left alone")]
    private partial void LogUnreadableRecord(Exception exception, string id);
}
