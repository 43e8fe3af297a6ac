using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FaceMask.BrowserTests;

/// <summary>A user in a real browser: register, log out and in, upload photos, read the result and the history, log out.</summary>
[Collection(BrowserCollection.Name)]
public sealed class UserJourneyTests(BrowserSystem system)
{
    [Fact]
    [Trait("Category", "Browser")]
    public async Task UserRegistersLogsInUploadsAndFindsEachPhotoInItsHistoryGroup()
    {
        var shots = new Screenshots("user-journey");
        await using var context = await system.NewContextAsync();
        var page = await context.NewPageAsync();
        var user = "b" + Guid.NewGuid().ToString("N")[..10];
        const string Password = "correct horse battery";

        await page.GotoAsync("/register");
        await page.FillAsync("#Username", user);
        await page.FillAsync("#Password", Password);
        await page.FillAsync("#Confirm", Password);
        await shots.TakeAsync(page, "register");
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForURLAsync("**/upload");
        await Expect(page.Locator("header .who")).ToHaveTextAsync(user);

        await LogOutAsync(page);
        await page.GotoAsync("/login");
        await page.FillAsync("#Username", user);
        await page.FillAsync("#Password", Password);
        await page.ClickAsync("main button[type=submit]");
        await Expect(page.Locator("header .who")).ToHaveTextAsync(user);

        // Two fixtures of different groups, so the history test can tell a right group from a wrong one.
        var some = FixturePhoto.Load("maksssksksss0.png");
        var all = FixturePhoto.Load("maksssksksss1.png");
        Assert.NotEqual(some.Group, all.Group);
        var someId = await UploadAndCheckResultAsync(page, some, shots);
        var allId = await UploadAndCheckResultAsync(page, all, shots);

        await page.GotoAsync("/history");
        await Expect(page.Locator($"#group-{some.Group} a[href='/uploads/{someId}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"#group-{all.Group} a[href='/uploads/{allId}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"#group-{all.Group} a[href='/uploads/{someId}']")).ToHaveCountAsync(0);
        await Expect(page.Locator($"#group-{some.Group} a[href='/uploads/{allId}']")).ToHaveCountAsync(0);
        await WaitForImageAsync(page, $"#group-{some.Group} a[href='/uploads/{someId}'] img");
        await shots.TakeAsync(page, "history");

        await LogOutAsync(page);
        await shots.TakeAsync(page, "logged-out");
        await page.GotoAsync("/history");
        await page.WaitForURLAsync("**/login**");
    }

    private static async Task<string> UploadAndCheckResultAsync(IPage page, FixturePhoto photo, Screenshots shots)
    {
        await page.GotoAsync("/upload");
        await page.SetInputFilesAsync("#file", photo.Path);
        await page.ClickAsync("#submit");
        await page.WaitForURLAsync("**/uploads/*", new PageWaitForURLOptions { Timeout = 60_000 });
        var id = page.Url.Split('/')[^1];

        await Expect(page.Locator("h1")).ToHaveTextAsync(photo.FileName);
        await Expect(page.Locator("#num-faces")).ToHaveTextAsync(photo.Faces.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("#num-masked")).ToHaveTextAsync(photo.Masked.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("table#faces tbody tr")).ToHaveCountAsync(photo.Faces);
        await Expect(page.Locator("table#faces tbody .tag.mask")).ToHaveCountAsync(photo.Masked);
        var annotated = await WaitForImageAsync(page, "#annotated");
        var original = await WaitForImageAsync(page, "#original");
        Assert.Equal(original, annotated);
        await shots.TakeAsync(page, "result-" + Path.GetFileNameWithoutExtension(photo.FileName));
        return id;
    }

    /// <summary>Waits until the image has loaded and decoded; returns its natural size.</summary>
    private static async Task<(int Width, int Height)> WaitForImageAsync(IPage page, string selector)
    {
        var image = page.Locator(selector);
        await image.ScrollIntoViewIfNeededAsync();
        await page.WaitForFunctionAsync(
            "s => { const i = document.querySelector(s); return i !== null && i.complete && i.naturalWidth > 0; }",
            selector);
        var width = await image.EvaluateAsync<int>("i => i.naturalWidth");
        var height = await image.EvaluateAsync<int>("i => i.naturalHeight");
        Assert.True(width > 0 && height > 0, $"{selector} did not load");
        return (width, height);
    }

    private static async Task LogOutAsync(IPage page)
    {
        await page.ClickAsync("header form button:has-text('Log out')");
        await Expect(page.Locator("header a[href='/login']")).ToBeVisibleAsync();
        await Expect(page.Locator("header .who")).ToHaveCountAsync(0);
    }
}
