using FaasD.Compose.Parsing;
using NUnit.Framework;

namespace FaasD.Compose.Tests.Parsing;

internal sealed class InterpolationTests
{
    private static readonly Dictionary<string, string> s_vars = new() { ["SET"] = "value", ["EMPTY"] = "" };

    [TestCase("${SET}", "value")]
    [TestCase("$SET", "value")]
    [TestCase("a-${SET}-b", "a-value-b")]
    [TestCase("$SET.x", "value.x")]
    [TestCase("${UNSET}", "")]
    [TestCase("${UNSET:-fallback}", "fallback")]
    [TestCase("${EMPTY:-fallback}", "fallback")]
    [TestCase("${EMPTY-fallback}", "")]
    [TestCase("${UNSET-fallback}", "fallback")]
    [TestCase("${SET:-fallback}", "value")]
    [TestCase("${UNSET:-127.0.0.1}:${PORT:-4222}:4222", "127.0.0.1:4222:4222")]
    [TestCase("$$SET", "$SET")]
    [TestCase("cost: 5$", "cost: 5$")]
    [TestCase("${SET:?needed}", "value")]
    public void Substitutes_like_docker_compose(string text, string expected) =>
        Assert.That(Interpolation.Substitute(text, s_vars.GetValueOrDefault, 1), Is.EqualTo(expected));

    [TestCase("${UNSET:?set it please}", "variable UNSET is required: set it please")]
    [TestCase("${EMPTY:?}", "variable EMPTY is required")]
    [TestCase("${UNSET", "missing }")]
    [TestCase("${1BAD}", "is not a variable name")]
    [TestCase("${SET+x}", "unsupported")]
    public void Bad_or_missing_required_variables_are_errors_with_the_line(string text, string message)
    {
        var error = Assert.Throws<ComposeException>(() => Interpolation.Substitute(text, s_vars.GetValueOrDefault, 7))!;
        Assert.That(error.Message, Does.Contain(message));
        Assert.That(error.Line, Is.EqualTo(7));
    }

    [Test]
    public async Task A_dot_env_beside_the_file_fills_variables_and_the_environment_wins()
    {
        using var dir = new TempDir();
        await File.WriteAllTextAsync(Path.Combine(dir.Path, ".env"), "# comment\nexport IMAGE=\"from-dotenv:1\"\nPORT=9999\n\nTAG='q'\n");
        var compose = Path.Combine(dir.Path, "docker-compose.yaml");
        await File.WriteAllTextAsync(compose, """
            services:
              svc:
                image: ${IMAGE}
                ports:
                  - "127.0.0.1:${PORT:-4222}:4222"
                environment:
                  LITERAL: "$$HOME"
                  TAG: ${TAG}
            """);

        var fromEnv = new Dictionary<string, string> { ["PORT"] = "5555" };
        var project = await ComposeParser.LoadAsync(compose, new ParseContext(dir.Path, fromEnv.GetValueOrDefault), CancellationToken.None);

        var service = project.Services.Single();
        Assert.That(service.Image, Is.EqualTo("from-dotenv:1"));
        Assert.That(service.Ports.Single().Published, Is.EqualTo(5555));
        Assert.That(service.Environment, Does.Contain("LITERAL=$HOME"));
        Assert.That(service.Environment, Does.Contain("TAG=q"));
    }

    [Test]
    public void The_repositorys_own_compose_file_parses_with_its_defaults()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "FaasD.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new AssertionException("repository root not found");
        }

        var project = ComposeParser.Parse(File.ReadAllText(Path.Combine(root, "docker-compose.yaml")), new ParseContext("/var/lib/faasd", _ => null));
        var nats = project.Services.Single(s => s.Name == "nats");
        Assert.That(nats.Image, Is.EqualTo("docker.io/library/nats:2.10"));
        Assert.That(nats.Command, Does.Contain("-js"));
        Assert.That(nats.Ports.Single().Published, Is.EqualTo(4222));
        Assert.That(nats.Ports.Single().HostAddress.ToString(), Is.EqualTo("127.0.0.1"));
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("faasd-interp-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
