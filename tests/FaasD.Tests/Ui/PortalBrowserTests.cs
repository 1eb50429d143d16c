using System.Net;
using System.Text.Json;
using FaasD.Tests.Daemon;
using FaasD.TestSupport;
using NUnit.Framework;
using OpenQA.Selenium;

namespace FaasD.Tests.Ui;

/// <summary>
/// The portal in headless chromium against a real daemon with real functions: auth, list, invoke, deploy,
/// logs and delete, plus a screenshot of each page (into FAASD_UI_SCREENSHOTS when set, e.g. docs/ui).
/// </summary>
[Integration]
[NonParallelizable]
internal sealed class PortalBrowserTests : DaemonFixture
{
    private BrowserSession _browser = null!;
    private string _screenshots = "";
    private bool _screenshotsAreTemporary;

    private Uri Portal => new(Daemon.BaseAddress, "/ui/");

    [OneTimeSetUp]
    public void StartBrowser()
    {
        BrowserSession.RequireBrowser();
        _browser = BrowserSession.Start("admin", Daemon.Password);
        _screenshotsAreTemporary = Environment.GetEnvironmentVariable("FAASD_UI_SCREENSHOTS") is not { Length: > 0 };
        _screenshots = _screenshotsAreTemporary
            ? Directory.CreateTempSubdirectory("faasd-ui-").FullName
            : Path.GetFullPath(Environment.GetEnvironmentVariable("FAASD_UI_SCREENSHOTS")!);
    }

    [OneTimeTearDown]
    public void StopBrowser()
    {
        _browser?.Dispose();
        if (_screenshotsAreTemporary && Directory.Exists(_screenshots))
        {
            Directory.Delete(_screenshots, recursive: true);
        }
    }

    [Test]
    public async Task Without_credentials_the_portal_and_its_api_answer_401()
    {
        using var anonymous = BrowserSession.Start();
        anonymous.Driver.Navigate().GoToUrl(Portal);

        Assert.That(anonymous.Driver.FindElements(By.Id("main")), Is.Empty, "the page rendered without credentials");
        using var plain = new HttpClient { BaseAddress = Daemon.BaseAddress };
        using var page = await plain.GetAsync("/ui/");
        using var api = await plain.GetAsync("/ui/api/functions");
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task The_list_shows_functions_with_state_and_search_filters_them()
    {
        var name = Name("listed");
        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference });
        await InvokeAsync($"/function/{name}");

        Open("#/");
        var row = _browser.WaitFor(By.CssSelector($"tr[data-name='{name}']"));
        Assert.That(row.FindElement(By.CssSelector(".state")).Text, Is.EqualTo("running"));
        Assert.That(row.FindElements(By.TagName("td"))[2].Text, Is.EqualTo("1/1"));
        _browser.WaitUntil(_ => Row(name)?.FindElements(By.TagName("td"))[3].Text == "1", "the invocation to show after a refresh", TimeSpan.FromSeconds(20));
        _browser.Screenshot(Path.Combine(_screenshots, "functions.png"));

        var search = _browser.Driver.FindElement(By.Id("search"));
        search.SendKeys("no-function-has-this-name");
        Assert.That(_browser.Driver.FindElements(By.CssSelector($"tr[data-name='{name}']")), Is.Empty);
        search.Clear();
        search.SendKeys(name);
        Assert.That(_browser.Driver.FindElements(By.CssSelector("#functions tbody tr[data-name]")).Select(r => r.GetAttribute("data-name")), Is.EqualTo(new[] { name }));
    }

    [Test]
    public async Task Invoke_shows_status_time_and_body_and_offers_a_download()
    {
        var name = Name("invoked");
        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference });

        Open($"#/fn/openfaas-fn/{name}");
        _browser.WaitFor(By.Id("invoke-method")).FindElement(By.XPath("option[.='POST']")).Click();
        var path = _browser.Driver.FindElement(By.Id("invoke-path"));
        path.Clear();
        path.SendKeys("/cgi-bin/echo");
        _browser.Driver.FindElement(By.Id("invoke-body")).SendKeys("hello from the portal");
        _browser.Driver.FindElement(By.Id("invoke-button")).Click();

        _browser.WaitUntil(d => d.FindElements(By.Id("invoke-output")).Count > 0, "the invocation result");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_browser.Driver.FindElement(By.Id("invoke-status")).Text, Is.EqualTo("Status 200"));
            Assert.That(_browser.Driver.FindElement(By.Id("invoke-time")).Text, Does.Match(@"^\d+\.\d ms$"));
            Assert.That(_browser.Driver.FindElement(By.Id("invoke-output")).Text, Does.Contain("method: POST").And.Contain("hello from the portal"));
            Assert.That(_browser.Driver.FindElement(By.Id("invoke-download")).GetAttribute("href"), Does.StartWith("blob:"));
        }

        _browser.WaitUntil(d => d.FindElement(By.Id("facts")).Text.Contains("Invocations\n1", StringComparison.Ordinal), "the count to refresh", TimeSpan.FromSeconds(20));
        _browser.Screenshot(Path.Combine(_screenshots, "function.png"), show: By.Id("invoke-button"));
    }

    [Test]
    public async Task Deploy_form_creates_a_function_with_env_labels_and_scale_to_zero()
    {
        var name = Name("formed");
        Open("#/deploy");
        _browser.WaitFor(By.Id("deploy-name")).SendKeys(name);
        _browser.Driver.FindElement(By.Id("deploy-image")).SendKeys(Httpd.Reference);
        _browser.Driver.FindElement(By.Id("deploy-env")).SendKeys("GREETING=hi there");
        _browser.Driver.FindElement(By.Id("deploy-labels")).SendKeys("team=portal");
        _browser.Driver.FindElement(By.Id("deploy-annotations")).SendKeys("note=made in a browser");
        _browser.Driver.FindElement(By.Id("deploy-scale-zero")).Click();
        _browser.Driver.FindElement(By.Id("deploy-idle")).SendKeys("2m");
        _browser.Screenshot(Path.Combine(_screenshots, "deploy.png"));
        _browser.Driver.FindElement(By.Id("deploy-submit")).Click();

        _browser.WaitUntil(d => d.Url.EndsWith($"#/fn/openfaas-fn/{name}", StringComparison.Ordinal), "the function page after deploy", TimeSpan.FromSeconds(90));
        using var described = JsonDocument.Parse(await Api.GetStringAsync($"/system/function/{name}"));
        var root = described.RootElement;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(root.GetProperty("envVars").GetProperty("GREETING").GetString(), Is.EqualTo("hi there"));
            Assert.That(root.GetProperty("labels").GetProperty("team").GetString(), Is.EqualTo("portal"));
            Assert.That(root.GetProperty("labels").GetProperty("com.openfaas.scale.zero").GetString(), Is.EqualTo("true"));
            Assert.That(root.GetProperty("labels").GetProperty("com.openfaas.scale.zero-duration").GetString(), Is.EqualTo("2m"));
            Assert.That(root.GetProperty("annotations").GetProperty("note").GetString(), Is.EqualTo("made in a browser"));
        }

        // Update through the same form: the image stays, the environment changes.
        Open($"#/deploy?name={name}&ns=openfaas-fn");
        _browser.WaitUntil(d => d.FindElement(By.Id("deploy-image")).GetAttribute("value") == Httpd.Reference, "the form to load the function");
        var env = _browser.Driver.FindElement(By.Id("deploy-env"));
        env.Clear();
        env.SendKeys("GREETING=updated");
        _browser.Driver.FindElement(By.Id("deploy-submit")).Click();
        _browser.WaitUntil(d => d.Url.EndsWith($"#/fn/openfaas-fn/{name}", StringComparison.Ordinal), "the function page after update", TimeSpan.FromSeconds(90));
        using var updated = JsonDocument.Parse(await Api.GetStringAsync($"/system/function/{name}"));
        Assert.That(updated.RootElement.GetProperty("envVars").GetProperty("GREETING").GetString(), Is.EqualTo("updated"));
    }

    [Test]
    public async Task Log_tail_shows_what_the_function_prints()
    {
        var name = Name("talker");
        await DeployLikeFaasCliAsync(new { service = name, image = SecretReader.Reference });
        Open($"#/fn/openfaas-fn/{name}");
        _browser.WaitFor(By.Id("logs-toggle")).Click();
        _browser.WaitUntil(d => d.FindElement(By.Id("logs-toggle")).Text == "Stop tail", "the tail to start");

        var marker = "portal" + TestEnvironment.UniqueSuffix()[..6];
        await InvokeAsync($"/function/{name}/cgi-bin/log?{marker}");

        _browser.WaitUntil(d => d.FindElement(By.Id("logs")).Text.Contains($"function says {marker}", StringComparison.Ordinal), "the log line in the tail", TimeSpan.FromSeconds(30));
        _browser.Screenshot(Path.Combine(_screenshots, "logs.png"), show: By.Id("logs"));
        _browser.Driver.FindElement(By.Id("logs-toggle")).Click();
        Assert.That(_browser.Driver.FindElement(By.Id("logs-toggle")).Text, Is.EqualTo("Start tail"));
    }

    [Test]
    public async Task Delete_asks_for_confirmation_and_removes_the_function()
    {
        var name = Name("doomed");
        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference });
        Open($"#/fn/openfaas-fn/{name}");

        _browser.WaitFor(By.Id("delete")).Click();
        _browser.WaitFor(By.Id("confirm-cancel")).Click();
        using (var kept = await Api.GetAsync($"/system/function/{name}"))
        {
            Assert.That(kept.StatusCode, Is.EqualTo(HttpStatusCode.OK), "cancel deleted the function");
        }

        _browser.Driver.FindElement(By.Id("delete")).Click();
        _browser.WaitFor(By.Id("confirm-ok"));
        _browser.Screenshot(Path.Combine(_screenshots, "delete.png"));
        _browser.Driver.FindElement(By.Id("confirm-ok")).Click();

        _browser.WaitUntil(d => d.Url.EndsWith("#/", StringComparison.Ordinal), "the list after delete");
        using var gone = await Api.GetAsync($"/system/function/{name}");
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Secrets_and_namespaces_pages_create_and_list()
    {
        var secret = Name("pw");
        Open("#/secrets");
        _browser.WaitFor(By.Id("secret-name")).SendKeys(secret);
        _browser.Driver.FindElement(By.Id("secret-value")).SendKeys("hunter2");
        _browser.Driver.FindElement(By.CssSelector("#secret-form button[type=submit]")).Click();
        _browser.WaitUntil(d => d.FindElement(By.Id("secrets")).Text.Contains(secret, StringComparison.Ordinal), "the new secret in the list");
        _browser.Screenshot(Path.Combine(_screenshots, "secrets.png"));

        Open("#/namespaces");
        _browser.WaitUntil(d => d.FindElement(By.Id("namespaces")).Text.Contains("openfaas-fn", StringComparison.Ordinal), "the namespace list");
        _browser.Screenshot(Path.Combine(_screenshots, "namespaces.png"));

        using var removed = await Api.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/system/secrets")
        {
            Content = new StringContent($$"""{"name":"{{secret}}"}""", System.Text.Encoding.UTF8, "application/json"),
        });
        Assert.That(removed.IsSuccessStatusCode, Is.True, "the portal did not create the secret");
    }

    private void Open(string hash)
    {
        // A new document each time, so no state (timers, tails) leaks between tests.
        _browser.Driver.Navigate().GoToUrl("about:blank");
        _browser.Driver.Navigate().GoToUrl(Portal + hash);
    }

    private IWebElement? Row(string name) => _browser.Driver.FindElements(By.CssSelector($"tr[data-name='{name}']")).FirstOrDefault();
}
