using FaasD.Systemd.Install;
using FaasD.Systemd.Manager;
using FaasD.Tests.Systemd.Manager;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace FaasD.Tests.Systemd.Install;

public sealed class InstallerTests
{
    private string _root = null!;
    private FakeSystemdManager _systemd = null!;
    private InstallOptions _options = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("faasd-install-").FullName;
        var assets = Directory.CreateDirectory(Path.Combine(_root, "assets")).FullName;
        File.WriteAllText(Path.Combine(assets, InstallAssets.ServiceUnit), "[Service]\nType=notify\n");
        File.WriteAllText(Path.Combine(assets, InstallAssets.CniConflist), "{\"name\":\"openfaas-cni-bridge\"}");
        var source = Path.Combine(_root, "build", "faasd");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        File.WriteAllText(source, "new binary");
        _systemd = new FakeSystemdManager();
        _options = new InstallOptions
        {
            SourceBinary = source,
            BinaryPath = Path.Combine(_root, "usr/local/bin/faasd"),
            UnitDirectory = Path.Combine(_root, "etc/systemd/system"),
            CniConfDirectory = Path.Combine(_root, "etc/cni/net.d"),
            StateDirectory = Path.Combine(_root, "var/lib/faasd"),
            AssetDirectory = assets,
        };
    }

    [TearDown]
    public async Task TearDown()
    {
        await _systemd.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Test]
    public async Task FreshInstallPlacesFilesThenReloadsEnablesAndStartsInOrder()
    {
        using var output = new StringWriter();

        var exitCode = await NewInstaller().RunAsync(output, CancellationToken.None);

        Assert.That(exitCode, Is.Zero, output.ToString());
        Assert.That(File.ReadAllText(_options.BinaryPath), Is.EqualTo("new binary"));
        Assert.That(File.GetUnixFileMode(_options.BinaryPath), Is.EqualTo((UnixFileMode)0b111_101_101));
        Assert.That(File.ReadAllText(Path.Combine(_options.UnitDirectory, "faasd.service")), Does.Contain("Type=notify"));
        Assert.That(File.Exists(Path.Combine(_options.CniConfDirectory, "10-openfaas.conflist")), Is.True);
        Assert.That(Directory.Exists(_options.StateDirectory), Is.True);
        Assert.That(_systemd.Calls, Is.EqualTo(new[]
        {
            "Reload",
            "EnableUnitFiles containerd.service,faasd.service runtime=False force=True",
            "StartUnit containerd.service replace",
            "WaitForJob /org/freedesktop/systemd1/job/3",
            "StartUnit faasd.service replace",
            "WaitForJob /org/freedesktop/systemd1/job/5",
        }));
        Assert.That(output.ToString(), Does.Contain($"cat {_options.PasswordFile} | faas-cli login --username admin --password-stdin"));
    }

    [Test]
    public async Task RerunReplacesTheBinaryRestartsFaasdAndKeepsState()
    {
        await NewInstaller().RunAsync(TextWriter.Null, CancellationToken.None);
        var password = Path.Combine(_options.StateDirectory, "secrets", "basic-auth-password");
        Directory.CreateDirectory(Path.GetDirectoryName(password)!);
        File.WriteAllText(password, "keep-me");
        File.WriteAllText(_options.SourceBinary!, "newer binary");
        _systemd.Calls.Clear();

        var exitCode = await NewInstaller().RunAsync(TextWriter.Null, CancellationToken.None);

        Assert.That(exitCode, Is.Zero);
        Assert.That(File.ReadAllText(_options.BinaryPath), Is.EqualTo("newer binary"));
        Assert.That(File.ReadAllText(password), Is.EqualTo("keep-me"));
        Assert.That(_systemd.Calls, Does.Contain("RestartUnit faasd.service replace"));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(_options.BinaryPath)!), Has.Length.EqualTo(1), "no temp file left behind");
    }

    [Test]
    public async Task BinaryIsReplacedByRenameSoARunningCopyKeepsItsFile()
    {
        await NewInstaller().RunAsync(TextWriter.Null, CancellationToken.None);
        using var running = File.OpenRead(_options.BinaryPath); // stands in for the old daemon's mapped image
        File.WriteAllText(_options.SourceBinary!, "upgrade");

        await NewInstaller().RunAsync(TextWriter.Null, CancellationToken.None);

        Assert.That(new StreamReader(running).ReadToEnd(), Is.EqualTo("new binary"));
        Assert.That(File.ReadAllText(_options.BinaryPath), Is.EqualTo("upgrade"));
    }

    [Test]
    public async Task FaasdThatFailsToStartIsReportedWithWhereToLook()
    {
        _systemd.StateAfterStart["faasd.service"] = "failed";
        using var output = new StringWriter();

        var exitCode = await NewInstaller().RunAsync(output, CancellationToken.None);

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output.ToString(), Does.Contain("faasd.service did not become active (state: failed); see `journalctl -u faasd.service`"));
    }

    [Test]
    public async Task WithoutSystemdItRefusesAndSaysWhatToRunInstead()
    {
        using var output = new StringWriter();
        var installer = new Installer(_options, _ => Task.FromResult<ISystemdManager>(_systemd), () => false, NullLogger<Installer>.Instance);

        Assert.That(await installer.RunAsync(output, CancellationToken.None), Is.EqualTo(1));
        Assert.That(output.ToString(), Does.Contain("faasd up"));
        Assert.That(File.Exists(_options.BinaryPath), Is.False);
    }

    [Test]
    public async Task UnreachableSystemdIsOneLineAndExitCodeOne()
    {
        using var output = new StringWriter();
        var installer = new Installer(_options, _ => throw new SystemdUnreachableException("Cannot reach systemd: test"), () => true, NullLogger<Installer>.Instance);

        Assert.That(await installer.RunAsync(output, CancellationToken.None), Is.EqualTo(1));
        Assert.That(output.ToString(), Is.EqualTo("Cannot reach systemd: test" + Environment.NewLine));
    }

    /// <summary>`faasd install` works from the lone binary only if it carries these (EmbeddedResource in FaasD.csproj).</summary>
    [TestCase(InstallAssets.ServiceUnit)]
    [TestCase(InstallAssets.CniConflist)]
    public void TheBinaryCarriesWhatInstallWrites(string fileName)
    {
        Assert.That(InstallAssets.IsEmbedded(fileName), Is.True, $"add <EmbeddedResource Include=\"...{fileName}\" LogicalName=\"FaasD.Systemd.{fileName}\" /> to src/FaasD/FaasD.csproj");
    }

    private Installer NewInstaller() =>
        new(_options, _ => Task.FromResult<ISystemdManager>(_systemd), () => true, NullLogger<Installer>.Instance);
}
