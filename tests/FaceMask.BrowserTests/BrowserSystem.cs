using System.Security.Cryptography;
using FaceMask.IntegrationTests;
using Microsoft.Playwright;

namespace FaceMask.BrowserTests;

/// <summary>
/// The real embedded system (WebFront program on a free port, its worker process, a bootstrapped administrator)
/// and one headless Debian Chromium driven by Playwright, offline: no browser download, the system's own binary.
/// Each test opens its own browser context, so cookies never leak between tests.
/// </summary>
public sealed class BrowserSystem : IAsyncLifetime
{
    public const string AdminName = "browser-admin";

    /// <summary>Where Debian's chromium package puts its launcher (see scripts/install-browser.sh).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public BrowserSystem()
    {
        System = EmbeddedSystem.With([$"--Admin:Username={AdminName}", $"--Admin:Password={AdminPassword}"]);
    }

    /// <summary>A fresh secret per run: the admin exists only in this run's temporary data folder.</summary>
    public string AdminPassword { get; } = "Adm-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    public EmbeddedSystem System { get; }

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl => System.Http.BaseAddress!.ToString().TrimEnd('/');

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run scripts/install-browser.sh (Debian's chromium package).");
        }

        await System.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Timeout = 60_000,
            // --no-sandbox: CI runs as root. The rest keep Chromium from calling out on a machine with no network.
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        return context;
    }

    /// <summary>A page of <paramref name="context"/> logged in as the bootstrapped administrator (the manager link shows).</summary>
    public async Task<IPage> LogInAsAdminAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#Username", AdminName);
        await page.FillAsync("#Password", AdminPassword);
        await page.ClickAsync("main button[type=submit]");
        await Assertions.Expect(page.Locator("header a[href='/manager']")).ToBeVisibleAsync();
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await System.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserSystem>
{
    public const string Name = "browser";
}
