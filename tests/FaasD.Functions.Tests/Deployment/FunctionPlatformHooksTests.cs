using FaasD.Functions.Abstractions;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Deployment;

/// <summary>The extension points layers above the platform use: spec validators and change observers.</summary>
public class FunctionPlatformHooksTests
{
    private PlatformFixture _f = null!;

    [SetUp]
    public void SetUp() => _f = new PlatformFixture();

    [TearDown]
    public async Task TearDown() => await _f.DisposeAsync();

    [Test]
    public async Task A_validator_reason_refuses_deploy_and_update_as_invalid_before_anything_is_created()
    {
        await _f.Platform.DeployAsync(PlatformFixture.Spec("kept"), CancellationToken.None);
        var callsBefore = _f.Runtime.Calls.Count;
        _f.Validate = spec => spec.Annotations.ContainsKey("bad") ? "annotation bad is bad" : null;
        var bad = PlatformFixture.Spec("kept") with { Annotations = new Dictionary<string, string> { ["bad"] = "1" } };

        var update = Assert.ThrowsAsync<FunctionPlatformException>(() => _f.Platform.UpdateAsync(bad, CancellationToken.None));
        Assert.That(update!.Kind, Is.EqualTo(FunctionErrorKind.Invalid));
        Assert.That(update.Message, Is.EqualTo("annotation bad is bad"));
        var deploy = Assert.ThrowsAsync<FunctionPlatformException>(() => _f.Platform.DeployAsync(bad with { Name = "new" }, CancellationToken.None));
        Assert.That(deploy!.Kind, Is.EqualTo(FunctionErrorKind.Invalid));

        Assert.That(_f.Runtime.Calls.Count, Is.EqualTo(callsBefore), "nothing pulled or created");
        Assert.That(await _f.Platform.GetAsync("openfaas-fn", "new", CancellationToken.None), Is.Null);
        Assert.That(_f.Changes.Select(c => c.Kind), Is.EqualTo(new[] { FunctionChangeKind.Deployed }), "refused calls announce nothing");
    }

    [Test]
    public async Task Deploy_update_and_remove_are_announced_with_the_new_spec()
    {
        var spec = PlatformFixture.Spec("watched") with { Annotations = new Dictionary<string, string> { ["topic"] = "a" } };
        await _f.Platform.DeployAsync(spec, CancellationToken.None);
        await _f.Platform.UpdateAsync(spec with { Annotations = new Dictionary<string, string> { ["topic"] = "b" } }, CancellationToken.None);
        await _f.Platform.RemoveAsync("openfaas-fn", "watched", CancellationToken.None);

        Assert.That(_f.Changes.Select(c => (c.Kind, c.Namespace, c.Name)), Is.EqualTo(new[]
        {
            (FunctionChangeKind.Deployed, "openfaas-fn", "watched"),
            (FunctionChangeKind.Updated, "openfaas-fn", "watched"),
            (FunctionChangeKind.Removed, "openfaas-fn", "watched"),
        }));
        Assert.That(_f.Changes[0].Spec!.Annotations["topic"], Is.EqualTo("a"));
        Assert.That(_f.Changes[1].Spec!.Annotations["topic"], Is.EqualTo("b"));
        Assert.That(_f.Changes[2].Spec, Is.Null);
    }
}
