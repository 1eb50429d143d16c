namespace FaasD.Runtime.Logs;

public sealed record LogStoreOptions
{
    /// <summary>Directory holding &lt;namespace&gt;/&lt;name&gt;.ndjson captures.</summary>
    public required string Directory { get; init; }

    /// <summary>A capture file is rotated (one previous file kept) when it grows past this.</summary>
    public long MaxFileBytes { get; init; } = 1024 * 1024;

    /// <summary>Once this much of the shim's raw output file has been read, the read part's disk blocks are freed.</summary>
    public long MaxRawBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How often the pump looks for new output.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Lines longer than this are cut (a runaway process must not exhaust memory).</summary>
    public int MaxLineBytes { get; init; } = 16 * 1024;
}
