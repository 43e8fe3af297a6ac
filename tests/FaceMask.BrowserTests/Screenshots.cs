using FaceMask.IntegrationTests;
using Microsoft.Playwright;

namespace FaceMask.BrowserTests;

/// <summary>
/// Full-page screenshots of each step, kept as test artifacts under TestResults/screenshots/ at the checkout's root
/// (the folder scripts/test.sh collects its reports in); each path is written to the test's output.
/// </summary>
public sealed class Screenshots(string test)
{
    private int _step;

    public static string Folder { get; } = Path.Combine(Processes.RepoRoot, "TestResults", "screenshots");

    public async Task TakeAsync(IPage page, string label)
    {
        ArgumentNullException.ThrowIfNull(page);
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, $"{test}-{++_step:00}-{label}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.TestOutputHelper?.WriteLine("screenshot: " + path);
    }
}
