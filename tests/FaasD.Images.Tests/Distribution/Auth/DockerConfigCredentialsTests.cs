using System.Text;
using FaasD.Images.Distribution.Auth;
using NUnit.Framework;

namespace FaasD.Images.Tests.Distribution.Auth;

public sealed class DockerConfigCredentialsTests
{
    private static readonly string s_config = $$"""
        {
          "auths": {
            "https://index.docker.io/v1/": { "auth": "{{Base64("hubuser:hub:pass")}}" },
            "ghcr.io": { "username": "octo", "password": "secret" },
            "http://127.0.0.1:5000": { "auth": "{{Base64("local:pw")}}", "identitytoken": "refresh-me" }
          },
          "credsStore": "desktop"
        }
        """;

    [TestCase("registry-1.docker.io")]
    [TestCase("docker.io")]
    [TestCase("index.docker.io")]
    public void DockerHubIsFoundUnderItsV1Key(string host)
    {
        var credential = Parse().Find(host);

        Assert.That(credential, Is.Not.Null);
        Assert.That(credential!.Username, Is.EqualTo("hubuser"));
        Assert.That(credential.Password, Is.EqualTo("hub:pass"), "only the first colon separates user and password");
    }

    [Test]
    public void ReadsUsernameAndPasswordFields()
    {
        Assert.That(Parse().Find("ghcr.io"), Is.EqualTo(new RegistryCredential("octo", "secret")));
    }

    [Test]
    public void MatchesKeysSavedWithASchemeAndKeepsTheIdentityToken()
    {
        var credential = Parse().Find("127.0.0.1:5000");

        Assert.That(credential!.IdentityToken, Is.EqualTo("refresh-me"));
        Assert.That(credential.HasIdentityToken, Is.True);
    }

    [Test]
    public void UnknownRegistriesHaveNoCredential()
    {
        Assert.That(Parse().Find("quay.io"), Is.Null);
    }

    [Test]
    public async Task AMissingFileMeansAnonymous()
    {
        var credentials = await DockerConfigCredentials.LoadAsync($"/nonexistent/{Guid.NewGuid():N}/config.json", CancellationToken.None);

        Assert.That(credentials.Find("ghcr.io"), Is.Null);
    }

    [Test]
    public void AMalformedAuthIsAnError()
    {
        Assert.Throws<InvalidDataException>(() => DockerConfigCredentials.Parse("""{"auths":{"x.io":{"auth":"%%%"}}}"""u8, "test"));
        Assert.Throws<InvalidDataException>(() => DockerConfigCredentials.Parse("{not json"u8, "test"));
    }

    [Test]
    public void SecretsStayOutOfToString()
    {
        Assert.That(Parse().Find("ghcr.io")!.ToString(), Does.Not.Contain("secret"));
    }

    private static DockerConfigCredentials Parse() => DockerConfigCredentials.Parse(Encoding.UTF8.GetBytes(s_config), "test");

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
