using System.Text.Json.Nodes;
using FaasD.Network.Cni;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace FaasD.Network.Tests.Cni;

public sealed class CniNetworkRunnerTests
{
    private const string FirstResult = """{"cniVersion":"0.4.0","interfaces":[{"name":"eth0","sandbox":"/ns"}],"ips":[{"version":"4","interface":0,"address":"10.9.0.5/16"}]}""";
    private const string SecondResult = """{"cniVersion":"0.4.0","interfaces":[{"name":"eth0","sandbox":"/ns"}],"ips":[{"version":"4","interface":0,"address":"10.9.0.6/16"}]}""";

    private static readonly CniRuntimeArgs Args = new("fn-1", "/var/run/netns/fn-1", "eth0");

    private TempDirectory _temp = null!;
    private string _plugins = null!;
    private string _log = null!;

    [SetUp]
    public void CreateDirectories()
    {
        _temp = new TempDirectory();
        _plugins = _temp.Combine("bin");
        _log = _temp.Combine("log");
        Directory.CreateDirectory(_log);
    }

    [TearDown]
    public void RemoveDirectories() => _temp.Dispose();

    private static CniNetworkConfig Network(params string[] types) => CniNetworkConfig.Parse(new JsonObject
    {
        ["cniVersion"] = "0.4.0",
        ["name"] = "test-net",
        ["plugins"] = new JsonArray([.. types.Select(type => (JsonNode)new JsonObject { ["type"] = type, ["setting"] = type + "-value" })]),
    }.ToJsonString());

    private CniNetworkRunner Runner(TimeSpan? timeout = null) =>
        new(new CniPluginRunner(new CniPluginLocator([_plugins, "/nonexistent"]), timeout ?? TimeSpan.FromSeconds(10)), NullLogger.Instance);

    [Test]
    public async Task Add_runs_plugins_in_order_and_chains_each_result_into_the_next()
    {
        FakePlugin.Write(_plugins, "first", _log, FirstResult);
        FakePlugin.Write(_plugins, "second", _log, SecondResult);

        var result = await Runner().AddAsync(Network("first", "second"), Args, progress: null, CancellationToken.None);

        Assert.That(FakePlugin.Calls(_log), Is.EqualTo(new[] { "first ADD", "second ADD" }));
        var firstStdin = JsonNode.Parse(FakePlugin.Stdin(_log, "first", "ADD"))!;
        Assert.That(firstStdin["prevResult"], Is.Null);
        Assert.That(firstStdin["name"]!.GetValue<string>(), Is.EqualTo("test-net"));
        Assert.That(firstStdin["cniVersion"]!.GetValue<string>(), Is.EqualTo("0.4.0"));
        Assert.That(firstStdin["setting"]!.GetValue<string>(), Is.EqualTo("first-value"));
        var secondStdin = JsonNode.Parse(FakePlugin.Stdin(_log, "second", "ADD"))!;
        Assert.That(secondStdin["prevResult"]!["ips"]![0]!["address"]!.GetValue<string>(), Is.EqualTo("10.9.0.5/16"));
        Assert.That(result.ContainerIPv4()!.ToString(), Is.EqualTo("10.9.0.6"), "the last plugin's result is the list's result");
    }

    [Test]
    public async Task Plugin_sees_the_cni_environment()
    {
        FakePlugin.Write(_plugins, "first", _log, FirstResult);

        await Runner().AddAsync(Network("first"), Args, progress: null, CancellationToken.None);

        Assert.That(FakePlugin.Env(_log, "first", "ADD"), Is.EqualTo(new[]
        {
            "CNI_COMMAND=ADD",
            "CNI_CONTAINERID=fn-1",
            "CNI_IFNAME=eth0",
            "CNI_NETNS=/var/run/netns/fn-1",
            $"CNI_PATH={_plugins}:/nonexistent",
        }));
    }

    [Test]
    public async Task Delete_runs_in_reverse_order_with_the_added_result_as_prevResult()
    {
        FakePlugin.Write(_plugins, "first", _log);
        FakePlugin.Write(_plugins, "second", _log);
        var added = CniResult.Parse(SecondResult);

        await Runner().DeleteAsync(Network("first", "second"), Args, added, CancellationToken.None);

        Assert.That(FakePlugin.Calls(_log), Is.EqualTo(new[] { "second DEL", "first DEL" }));
        foreach (var type in new[] { "first", "second" })
        {
            var stdin = JsonNode.Parse(FakePlugin.Stdin(_log, type, "DEL"))!;
            Assert.That(stdin["prevResult"]!.ToJsonString(), Is.EqualTo(added.Raw.ToJsonString()));
        }
    }

    [Test]
    public async Task Check_passes_the_added_result_to_every_plugin_in_order()
    {
        FakePlugin.Write(_plugins, "first", _log);
        FakePlugin.Write(_plugins, "second", _log);

        await Runner().CheckAsync(Network("first", "second"), Args, CniResult.Parse(FirstResult), CancellationToken.None);

        Assert.That(FakePlugin.Calls(_log), Is.EqualTo(new[] { "first CHECK", "second CHECK" }));
        Assert.That(JsonNode.Parse(FakePlugin.Stdin(_log, "second", "CHECK"))!["prevResult"], Is.Not.Null);
    }

    [Test]
    public void Add_failure_carries_the_plugin_error_and_stops_the_chain()
    {
        FakePlugin.Write(_plugins, "first", _log, """{"code":7,"msg":"invalid network config","details":"no subnet"}""", exitCode: 1);
        FakePlugin.Write(_plugins, "second", _log, SecondResult);

        var error = Assert.ThrowsAsync<CniPluginException>(() => Runner().AddAsync(Network("first", "second"), Args, progress: null, CancellationToken.None));

        Assert.That(error!.Message, Is.EqualTo("CNI plugin 'first' ADD failed (code 7): invalid network config: no subnet"));
        Assert.That(FakePlugin.Calls(_log), Is.EqualTo(new[] { "first ADD" }));
    }

    [Test]
    public void A_failed_add_reports_how_far_it_got_so_del_can_undo_it()
    {
        FakePlugin.Write(_plugins, "first", _log, FirstResult);
        FakePlugin.Write(_plugins, "second", _log, """{"code":11,"msg":"try again"}""", exitCode: 1);
        var progress = new CniAddProgress();

        Assert.ThrowsAsync<CniPluginException>(() => Runner().AddAsync(Network("first", "second"), Args, progress, CancellationToken.None));

        Assert.That(progress.Result?.ContainerIPv4()?.ToString(), Is.EqualTo("10.9.0.5"));
    }

    [Test]
    public async Task Add_saves_the_result_so_far_before_each_later_plugin_runs()
    {
        FakePlugin.Write(_plugins, "first", _log, FirstResult);
        FakePlugin.Write(_plugins, "second", _log, SecondResult);
        FakePlugin.Write(_plugins, "third", _log, SecondResult);
        var saves = new List<string>();
        var progress = new CniAddProgress((result, _) =>
        {
            // What had run when the save happened: a crash right after it must find this result on disk.
            saves.Add($"{result.ContainerIPv4()} after {string.Join(", ", FakePlugin.Calls(_log))}");
            return Task.CompletedTask;
        });

        await Runner().AddAsync(Network("first", "second", "third"), Args, progress, CancellationToken.None);

        Assert.That(saves, Is.EqualTo(new[] { "10.9.0.5 after first ADD", "10.9.0.6 after first ADD, second ADD" }), "none before the first plugin or after the last");
    }

    [Test]
    public async Task Delete_of_an_unknown_container_is_success()
    {
        FakePlugin.Write(_plugins, "first", _log, """{"code":3,"msg":"container unknown"}""", exitCode: 1);

        await Runner().DeleteAsync(Network("first"), Args, added: null, CancellationToken.None);

        Assert.That(FakePlugin.Calls(_log), Is.EqualTo(new[] { "first DEL" }));
    }

    [Test]
    public void Delete_failure_still_runs_the_other_plugins_then_reports_the_first_failure()
    {
        FakePlugin.Write(_plugins, "first", _log);
        FakePlugin.Write(_plugins, "second", _log, """{"code":5,"msg":"iptables locked"}""", exitCode: 1);

        var error = Assert.ThrowsAsync<CniPluginException>(() => Runner().DeleteAsync(Network("first", "second"), Args, null, CancellationToken.None));

        Assert.That(error!.Plugin, Is.EqualTo("second"));
        Assert.That(FakePlugin.Calls(_log), Is.EqualTo(new[] { "second DEL", "first DEL" }), "the IPAM-owning plugin must still release");
    }

    [Test]
    public void Delete_with_an_uninstalled_plugin_still_deletes_through_the_others()
    {
        FakePlugin.Write(_plugins, "first", _log);

        var error = Assert.ThrowsAsync<CniConfigException>(() => Runner().DeleteAsync(Network("first", "uninstalled"), Args, null, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("'uninstalled'"));
        Assert.That(FakePlugin.Calls(_log), Is.EqualTo(new[] { "first DEL" }));
    }

    [Test]
    public void A_hung_plugin_is_killed_at_the_timeout()
    {
        Directory.CreateDirectory(_plugins);
        var path = Path.Combine(_plugins, "sleepy");
        File.WriteAllText(path, "#!/bin/sh\nexec sleep 30\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        var started = DateTime.UtcNow;
        var error = Assert.ThrowsAsync<CniPluginException>(() => Runner(TimeSpan.FromMilliseconds(500)).AddAsync(Network("sleepy"), Args, progress: null, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("'sleepy'").And.Contain("did not finish"));
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void Caller_cancellation_is_cancellation_not_a_plugin_error()
    {
        Directory.CreateDirectory(_plugins);
        var path = Path.Combine(_plugins, "sleepy");
        File.WriteAllText(path, "#!/bin/sh\nexec sleep 30\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        Assert.That(async () => await Runner().AddAsync(Network("sleepy"), Args, progress: null, cancel.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void A_plugin_that_cannot_be_executed_is_a_plugin_error()
    {
        Directory.CreateDirectory(_plugins);
        var path = Path.Combine(_plugins, "broken");
        File.WriteAllText(path, "#!/nonexistent/interpreter\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        var error = Assert.ThrowsAsync<CniPluginException>(() => Runner().AddAsync(Network("broken"), Args, progress: null, CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith("CNI plugin 'broken' ADD failed: cannot execute"));
    }

    [Test]
    public void A_plugin_that_exits_without_reading_stdin_reports_its_own_error()
    {
        Directory.CreateDirectory(_plugins);
        var path = Path.Combine(_plugins, "early");
        File.WriteAllText(path, "#!/bin/sh\necho '{\"code\":4,\"msg\":\"missing CNI_NETNS\"}'\nexit 1\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        var error = Assert.ThrowsAsync<CniPluginException>(() => Runner().AddAsync(Network("early"), Args, progress: null, CancellationToken.None));

        Assert.That(error!.Message, Is.EqualTo("CNI plugin 'early' ADD failed (code 4): missing CNI_NETNS"));
    }

    [Test]
    public void Missing_plugin_is_reported_before_anything_runs()
    {
        FakePlugin.Write(_plugins, "first", _log, FirstResult);

        var error = Assert.Throws<CniConfigException>(() => Runner().EnsureInstalled(Network("first", "absent")));

        Assert.That(error!.Message, Does.Contain("'absent'"));
        Assert.That(FakePlugin.Calls(_log), Is.Empty);
    }
}
