using System.Globalization;

namespace FaasD.Metrics;

/// <summary>The <c>code</c> label: status codes as strings, cached so the hot path does not format numbers.</summary>
public static class StatusCodeLabels
{
    private const int Min = 100;
    private const int Max = 599;
    private static readonly string[] s_texts = Enumerable.Range(Min, Max - Min + 1).Select(code => code.ToString(CultureInfo.InvariantCulture)).ToArray();

    public static string Text(int statusCode) =>
        statusCode is >= Min and <= Max ? s_texts[statusCode - Min] : statusCode.ToString(CultureInfo.InvariantCulture);
}
