using FaasD.Functions.Abstractions;
using FaasD.Gateway;
using FaasD.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using OpenQA.Selenium;

namespace FaasD.Tests.Ui;

/// <summary>
/// Time to first render of the function list with 100 functions, in headless chromium, over the real gateway
/// with a platform that reports 100 functions (no containers). Reported, not asserted: timings are for bench/.
/// </summary>
[Integration]
[NonParallelizable]
internal sealed class PortalRenderTimeTests
{
    private const string Password = "render-test-pw";

    [Test]
    public async Task The_list_of_a_hundred_functions_renders_every_row()
    {
        BrowserSession.RequireBrowser();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var platform = new HundredFunctionsPlatform();
        builder.Services.AddSingleton<IFunctionPlatform>(platform);
        builder.Services.AddSingleton<INamespaceStore>(platform);
        builder.Services.AddSingleton<ISecretStore>(platform);
        builder.Services.AddSingleton<ILogSource>(platform);
        builder.Services.AddSingleton<IFunctionUsage>(platform);
        builder.Services.AddFaasGateway(o =>
        {
            o.BasicAuthUser = "admin";
            o.BasicAuthPassword = Password;
        });
        await using var app = builder.Build();
        app.MapFaasGateway();
        await app.StartAsync();
        var portal = new Uri(new Uri(app.Urls.First()), "/ui/");

        using var browser = BrowserSession.Start("admin", Password);
        var samples = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            browser.Driver.Navigate().GoToUrl("about:blank");
            browser.Driver.Navigate().GoToUrl(portal);
            browser.WaitUntil(d => d.FindElements(By.CssSelector("#functions tbody tr[data-name]")).Count == HundredFunctionsPlatform.Count, "100 rows");
            var rendered = Convert.ToDouble(browser.Driver.ExecuteScript("return Number(document.body.dataset.rendered)"), System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(rendered, Is.GreaterThan(0), "the page did not mark its first render");
            if (i > 0)
            {
                // The first load fills the browser's and the server's caches; the rest are what a user sees.
                samples.Add(rendered);
            }
        }

        samples.Sort();
        TestContext.Out.WriteLine(
            $"first render of 100 functions (navigation start to rows in the DOM): median {samples[samples.Count / 2]:0.0} ms, " +
            $"min {samples[0]:0.0} ms, max {samples[^1]:0.0} ms over {samples.Count} loads");
        Assert.That(browser.Driver.FindElements(By.CssSelector("#functions .state-frozen")), Has.Count.EqualTo(10));
    }
}
