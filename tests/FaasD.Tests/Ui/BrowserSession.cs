using NUnit.Framework;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace FaasD.Tests.Ui;

/// <summary>
/// Debian's headless chromium driven by its chromedriver. Both paths are given explicitly, so Selenium Manager
/// never runs and nothing is downloaded. Basic auth is sent by the browser for every request of the page
/// (Network.setExtraHTTPHeaders), as after a login prompt.
/// </summary>
internal sealed class BrowserSession : IDisposable
{
    public const string Chromium = "/usr/bin/chromium";
    public const string ChromeDriver = "/usr/bin/chromedriver";

    private BrowserSession(ChromeDriver driver) => Driver = driver;

    public ChromeDriver Driver { get; }

    public static void RequireBrowser()
    {
        if (!File.Exists(Chromium) || !File.Exists(ChromeDriver))
        {
            Assert.Ignore($"{Chromium} and {ChromeDriver} are needed (apt-get install chromium chromium-driver)");
        }
    }

    public static BrowserSession Start(string? user = null, string? password = null)
    {
        RequireBrowser();
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
            "--no-first-run", "--disable-extensions", "--disable-background-networking", "--disable-component-update");
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        if (user is not null && password is not null)
        {
            var token = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}"));
            driver.ExecuteCdpCommand("Network.enable", new Dictionary<string, object?>());
            driver.ExecuteCdpCommand("Network.setExtraHTTPHeaders", new Dictionary<string, object?>
            {
                ["headers"] = new Dictionary<string, object> { ["Authorization"] = "Basic " + token },
            });
        }

        return new BrowserSession(driver);
    }

    public IWebElement WaitFor(By by, TimeSpan? timeout = null) =>
        new WebDriverWait(Driver, timeout ?? TimeSpan.FromSeconds(30)).Until(d =>
        {
            var found = d.FindElements(by);
            return found.Count > 0 && found[0].Displayed ? found[0] : null;
        })!;

    public void WaitUntil(Func<IWebDriver, bool> condition, string what, TimeSpan? timeout = null)
    {
        var wait = new WebDriverWait(Driver, timeout ?? TimeSpan.FromSeconds(60)) { Message = "waiting for " + what };
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
        wait.Until(condition);
    }

    /// <summary>Saves a PNG of the window to <paramref name="path"/>, scrolled to <paramref name="show"/> when given.</summary>
    public void Screenshot(string path, By? show = null)
    {
        if (show is not null)
        {
            Driver.ExecuteScript("arguments[0].scrollIntoView({block: 'center'})", Driver.FindElement(show));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Driver.GetScreenshot().SaveAsFile(path);
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}
