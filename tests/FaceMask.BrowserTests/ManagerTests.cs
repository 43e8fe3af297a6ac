using System.Diagnostics;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FaceMask.BrowserTests;

/// <summary>An administrator in a real browser: the manager's charts, adding a worker and removing it again.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ManagerTests(BrowserSystem system)
{
    [Fact]
    [Trait("Category", "Browser")]
    public async Task ManagerHomeDrawsBothFleetChartsWithPoints()
    {
        var shots = new Screenshots("manager-charts");
        await using var context = await system.NewContextAsync();
        var page = await system.LogInAsAdminAsync(context);

        // The current minute gets its point once the fleet has recorded a sample: reload until it is drawn.
        await EventuallyAsync(page, "/manager", async () => await page.Locator("svg#chart-workers :is(polyline.line, circle.dot)").CountAsync() > 0, TimeSpan.FromSeconds(90));

        foreach (var id in new[] { "chart-workers", "chart-cpu" })
        {
            var chart = page.Locator($"svg#{id}");
            await Expect(chart).ToBeVisibleAsync();
            await Expect(chart).ToHaveAttributeAsync("data-points", "30");
            var box = await chart.BoundingBoxAsync();
            Assert.True(box is { Width: > 100, Height: > 50 }, $"{id} is not laid out: {box?.Width}x{box?.Height}");
        }

        Assert.True(await page.Locator("svg#chart-workers :is(polyline.line, circle.dot)").CountAsync() > 0);
        await Expect(page.Locator("#running")).Not.ToHaveTextAsync("0");
        await shots.TakeAsync(page, "home");
    }

    [Fact]
    [Trait("Category", "Browser")]
    public async Task AdministratorAddsAWorkerSeesItRunningAndRemovesIt()
    {
        var shots = new Screenshots("manager-workers");
        await using var context = await system.NewContextAsync();
        var page = await system.LogInAsAdminAsync(context);
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();   // the Remove button asks for confirmation

        await page.GotoAsync("/manager/workers");
        var before = await WorkerIdsAsync(page);
        await page.FillAsync("main input[name=count]", "1");
        await page.ClickAsync("main form[action*='handler=Add'] button[type=submit]");
        await page.WaitForURLAsync("**/manager/workers");
        var added = (await WorkerIdsAsync(page)).Except(before).ToList();
        var id = Assert.Single(added);
        var row = page.Locator($"#workers tr[data-worker='{id}']");
        await shots.TakeAsync(page, "added");

        await EventuallyAsync(page, "/manager/workers", async () => await row.GetAttributeAsync("data-state") == "Running", TimeSpan.FromMinutes(3));
        await Expect(row.Locator(".state.running")).ToHaveTextAsync("Running");
        await shots.TakeAsync(page, "running");

        await row.Locator("form[action*='handler=Remove'] button").ClickAsync();
        await page.WaitForURLAsync("**/manager/workers");
        await EventuallyAsync(page, "/manager/workers", async () => await row.GetAttributeAsync("data-state") == "Terminated", TimeSpan.FromMinutes(2));
        await Expect(row.Locator("form[action*='handler=Remove']")).ToHaveCountAsync(0);
        await shots.TakeAsync(page, "removed");
    }

    private static async Task<List<string>> WorkerIdsAsync(IPage page) =>
        [.. (await page.Locator("#workers tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.worker)"))];

    /// <summary>Reloads <paramref name="path"/> until <paramref name="condition"/> holds, as an operator would refresh.</summary>
    private static async Task EventuallyAsync(IPage page, string path, Func<Task<bool>> condition, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await page.GotoAsync(path);
            if (await condition())
            {
                return;
            }

            Assert.True(clock.Elapsed < deadline, $"{path} did not reach the expected state within {deadline}.");
            await page.WaitForTimeoutAsync(500);
        }
    }
}
