using FaasD.Compose.Model;
using FaasD.Compose.Names;
using FaasD.Compose.Parsing;
using FaasD.Compose.Running;
using FaasD.Compose.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaasD.Compose.Tests.Running;

/// <summary>The runner pieces over a fake runtime and a temporary state directory.</summary>
internal sealed class ServiceRunnerFixture : IDisposable
{
    public ServiceRunnerFixture()
    {
        Options = new ComposeOptions { StateDirectory = State.Path, Namespace = "openfaas-test" };
        Addresses = new ServiceAddressBook(new HostsFile(Options.ResolvedHostsFile), Options.ExtraHosts);
        Runner = new ServiceRunner(Runtime, new ServiceSpecBuilder(Options), Addresses, Logs, Options, NullLogger<ServiceRunner>.Instance);
        Project = new ProjectRunner(Runtime, Runner, Addresses, Options, NullLogger<ProjectRunner>.Instance);
    }

    public TempDirectory State { get; } = new();
    public FakeContainerRuntime Runtime { get; } = new();
    public RecordingServiceLogs Logs { get; } = new();
    public ComposeOptions Options { get; }
    public ServiceAddressBook Addresses { get; }
    public ServiceRunner Runner { get; }
    public ProjectRunner Project { get; }

    public ComposeProject Parse(string yaml) => ComposeParser.Parse(yaml, new ParseContext(State.Path, _ => null));

    public string HostsText() => File.ReadAllText(Options.ResolvedHostsFile);

    public void Dispose() => State.Dispose();
}
