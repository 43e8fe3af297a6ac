using System.Net;
using FaceMask.IntegrationTests.Site;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FaceMask.IntegrationTests.ManagerSite;

/// <summary>"Stop everything" without typing STOP stops nothing (on the shared site: it stays up).</summary>
[Collection(SiteCollection.Name)]
public sealed class StopEverythingConfirmationTests(SiteFactory site)
{
    [Theory]
    [InlineData("stop")]
    [InlineData("DELETE")]
    [InlineData(null)]
    public async Task WithoutTypingStopNothingIsStopped(string? confirm)
    {
        using var admin = await site.AdminAsync();
        await admin.Http.FirstWorkerRunningAsync();
        var before = (await admin.Http.WorkersAsync()).Select(w => (w.Id(), w.State())).ToList();

        using var response = await admin.PostFormAsync(
            "/manager?handler=StopAll", confirm is null ? [] : [new("confirm", confirm)], formPage: "/manager");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        HtmlAssert.ShowsError("Type STOP to confirm; nothing was stopped.", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(before, (await admin.Http.WorkersAsync()).Select(w => (w.Id(), w.State())).ToList());
        using var health = await admin.Http.GetAsync("/healthz", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}

/// <summary>
/// "Stop everything" for real, on a site of its own (it would take the shared one down): every worker drains, the
/// site reports itself unhealthy, and no worker process of that cluster is left behind.
/// </summary>
public sealed class StopEverythingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TypingStopDrainsEveryWorkerLeavesNoWorkerProcessAndStartBringsThePoolBack()
    {
        await using var owner = new SiteFactory();
        var clusterFolder = owner.ClusterDirectory;
        var site = owner.WithWebHostBuilder(b => b.UseSetting("Fleet:InitialWorkers", "2"));
        using var admin = await ManagerHttp.SignedInAsync(
            new SiteClient(site.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true })));
        Assert.True(
            await Processes.EventuallyAsync(async () => (await admin.Http.WorkersAsync("Running")).Count == 2, ManagerHttp.WorkerDeadline),
            "the site did not reach two running workers");
        var workers = (await admin.Http.WorkersAsync()).Select(w => w.Id()).ToList();
        Assert.Equal(2, ManagerHttp.SiloProcessesOf(clusterFolder).Count);

        using var response = await admin.PostFormAsync("/manager?handler=StopAll", [new("confirm", "STOP")], formPage: "/manager");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/manager", HtmlAssert.RedirectTarget(response));
        var states = await WorkerStatesRightAfterAsync(admin);
        Assert.Equal(workers.Order(), states.Keys.Order());
        Assert.All(states.Values, state => Assert.Contains(state, new[] { "Draining", "Terminated" }));
        Assert.True(
            await Processes.EventuallyAsync(
                async () =>
                {
                    using var health = await admin.Http.GetAsync("/healthz", Ct);
                    return health.StatusCode == HttpStatusCode.ServiceUnavailable;
                },
                Deadline),
            "/healthz still answers while every worker is stopped");
        Assert.True(
            await ManagerHttp.EventuallyAsync(() => ManagerHttp.SiloProcessesOf(clusterFolder).Count == 0, Deadline),
            $"worker processes of {clusterFolder} still run: {string.Join(", ", ManagerHttp.SiloProcessesOf(clusterFolder))}");

        // Stopped: the manager says so (503) and offers to start the pool again, which brings back worker #1.
        using var stoppedPage = await admin.Http.GetAsync("/manager", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stoppedPage.StatusCode);
        Assert.Contains("Start the worker pool", await stoppedPage.Content.ReadAsStringAsync(Ct));
        using var start = await admin.PostFormAsync("/manager/start", [], formPage: "/manager/start");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.True(
            await Processes.EventuallyAsync(
                async () =>
                {
                    using var health = await admin.Http.GetAsync("/healthz", Ct);
                    if (!health.IsSuccessStatusCode)
                    {
                        return false;
                    }

                    // The fleet reactivates while the client reconnects: a 503 or 500 just means "not yet".
                    using var workers = await admin.Http.GetAsync("/api/manager/workers?state=Running", Ct);
                    return workers.IsSuccessStatusCode && (await workers.Content.ReadAsStringAsync(Ct)).Contains("\"worker-1\"", StringComparison.Ordinal);
                },
                Deadline),
            "the pool did not run again after Start");

        var workersBeforeDispose = string.Join("; ", (await admin.Http.WorkersAsync()).Select(w => $"{w.Id()}={w.State()}"));
        await owner.DisposeAsync();

        Assert.True(
            await ManagerHttp.EventuallyAsync(() => ManagerHttp.SiloProcessesOf(clusterFolder).Count == 0, Deadline),
            "left running: " + string.Join(", ", ManagerHttp.SiloProcessesOf(clusterFolder).Select(pid => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ')))
            + " — fleet was: " + workersBeforeDispose);
    }

    /// <summary>The fleet's own silo may be the one stopping: read the states while it still answers.</summary>
    private static async Task<Dictionary<string, string>> WorkerStatesRightAfterAsync(SiteClient admin) =>
        (await admin.Http.WorkersAsync()).ToDictionary(w => w.Id(), w => w.State());
}
