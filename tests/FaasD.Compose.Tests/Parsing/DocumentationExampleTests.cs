using FaasD.Compose.Model;
using FaasD.Compose.Parsing;
using NUnit.Framework;

namespace FaasD.Compose.Tests.Parsing;

/// <summary>Keeps docs/compose.md honest: its example file must parse to what the text says.</summary>
public sealed class DocumentationExampleTests
{
    [Test]
    public void TheExampleInDocsParses()
    {
        var docs = FindUpwards(Path.Combine("docs", "compose.md"));
        if (docs is null)
        {
            Assert.Ignore("docs/compose.md not found above the test directory");
        }

        var text = File.ReadAllText(docs);
        var start = text.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        var yaml = text[start..text.IndexOf("```", start, StringComparison.Ordinal)];

        var project = ComposeParser.Parse(yaml, new ParseContext("/var/lib/faasd", _ => null));

        Assert.Multiple(() =>
        {
            Assert.That(project.Services.Select(s => s.Name), Is.EqualTo(new[] { "kv", "kv-backup" }));
            Assert.That(project.Find("kv")!.Volumes.Single().Source, Is.EqualTo("/var/lib/faasd/volumes/kv-data"));
            Assert.That(project.Find("kv")!.Restart.Mode, Is.EqualTo(RestartMode.Always));
            Assert.That(project.Find("kv-backup")!.Volumes.Single().Source, Is.EqualTo("/var/lib/faasd/backups"));
            Assert.That(project.Ignored, Is.Empty);
            Assert.That(string.Join(' ', project.Find("kv")!.Command!), Does.Contain("key=${QUERY_STRING:-default}"), "$$ reaches the shell as $");
        });
    }

    private static string? FindUpwards(string relative)
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
