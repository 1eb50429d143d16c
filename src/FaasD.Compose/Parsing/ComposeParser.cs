using YamlDotNet.Core;

namespace FaasD.Compose.Parsing;

/// <summary>
/// Reads a docker-compose.yaml into the subset faasd honours. Every failure is a <see cref="ComposeException"/>
/// naming the line or service; nothing here touches containers.
/// </summary>
internal static class ComposeParser
{
    private static readonly HashSet<string> s_knownTopLevel = ["version", "name", "services", "volumes"];

    public static async Task<ComposeProject> LoadAsync(string path, ParseContext context, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ComposeException($"cannot read {path}: {exception.Message}", exception);
        }

        ArgumentNullException.ThrowIfNull(context);
        var withDotEnv = context with { FileVariables = await DotEnvFile.ReadBesideAsync(path, cancellationToken) };
        return Parse(text, withDotEnv);
    }

    public static ComposeProject Parse(string yaml, ParseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = LoadRoot(yaml);
        Interpolation.Apply(root, context.Variable);
        var ignored = new List<string>();
        YamlMappingNode? servicesNode = null;
        foreach (var entry in root.Children)
        {
            var key = YamlNodes.KeyOf(entry, null);
            if (key == "services")
            {
                servicesNode = YamlNodes.Mapping(entry.Value, null, "services");
            }
            else if (!s_knownTopLevel.Contains(key))
            {
                ignored.Add($"line {YamlNodes.LineOf(entry.Key)}: {key}");
            }
        }

        if (servicesNode is null)
        {
            throw new ComposeException("the file has no services: section", 1);
        }

        var services = servicesNode.Children.Select(entry => ServiceParser.Parse(entry.Key, entry.Value, context, ignored)).ToList();
        var ordered = DependencyOrder.Sort(services);
        PortClashCheck.Check(ordered);
        return new ComposeProject(ordered, [.. ignored.OrderBy(LineNumberOf)]);
    }

    /// <summary>Ignored keys read "line N: path"; reported in file order.</summary>
    private static int LineNumberOf(string ignored) =>
        int.Parse(ignored.AsSpan(5, ignored.IndexOf(':', StringComparison.Ordinal) - 5), System.Globalization.CultureInfo.InvariantCulture);

    private static YamlMappingNode LoadRoot(string yaml)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(yaml));
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException exception)
        {
            // The exception's start is where the enclosing construct began; the scanner stopped where it broke.
            var line = Math.Max((int)exception.Start.Line, (int)scanner.CurrentPosition.Line);
            throw new ComposeException($"invalid YAML: {exception.Message}", line, service: null, exception);
        }
        catch (InvalidOperationException exception)
        {
            // YamlDotNet fails this way on some truncated input (an unclosed [ or {) instead of a YamlException.
            throw new ComposeException("invalid YAML: unexpected end of a list or mapping", (int)scanner.CurrentPosition.Line, service: null, exception);
        }

        if (stream.Documents.Count == 0)
        {
            throw new ComposeException("the file is empty", 1);
        }

        return stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new ComposeException("the top level must be a mapping", YamlNodes.LineOf(stream.Documents[0].RootNode));
    }
}
