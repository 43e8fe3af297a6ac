using System.Net;
using System.Text.Json;
using FaceMask.IntegrationTests.Site;

namespace FaceMask.IntegrationTests.ManagerSite;

/// <summary>
/// Adding a worker from the page or the API starts a real worker process that joins the cluster; removing it drains
/// it and its process ends. Bad requests change nothing.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class WorkerLifecycleTests(SiteFactory site)
{
    private const string WorkersPage = "/manager/workers";

    /// <summary>Draining sends SIGTERM on the next fleet tick; the silo then leaves the cluster gracefully.</summary>
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WorkerAddedOnThePageRunsAndIsDrainedAwayFromThePage()
    {
        using var admin = await site.AdminAsync();
        await admin.Http.FirstWorkerRunningAsync();
        var known = (await admin.Http.WorkersAsync()).Select(w => w.Id()).ToHashSet();

        using (var add = await admin.PostFormAsync(WorkersPage + "?handler=Add", [new("count", "1")], formPage: WorkersPage))
        {
            Assert.Equal(HttpStatusCode.Redirect, add.StatusCode);
            Assert.Equal(WorkersPage, HtmlAssert.RedirectTarget(add));
        }

        var page = await admin.GetPageAsync(WorkersPage);
        HtmlAssert.ShowsFlash("Adding 1 worker(s).", page);
        var (id, row) = Assert.Single(ManagerHttp.WorkerRows(page), r => !known.Contains(r.Key));
        Assert.Contains(ManagerHttp.RowState(row), new[] { "Pending", "Starting" });

        var running = await admin.Http.EventuallyInStateAsync(id, "Running");
        var address = $"{running.GetProperty("address").GetString()}:{running.GetProperty("silo_port").GetInt32()}";
        Assert.Contains($"<td>{address}</td>", ManagerHttp.WorkerRows(await admin.GetPageAsync(WorkersPage))[id]);
        Assert.NotEmpty(Processes.WithCommandLine($"--Worker:Id={id}"));

        using (var remove = await admin.PostFormAsync(WorkersPage + "?handler=Remove", [new("id", id)], formPage: WorkersPage))
        {
            Assert.Equal(HttpStatusCode.Redirect, remove.StatusCode);
        }

        page = await admin.GetPageAsync(WorkersPage);
        HtmlAssert.ShowsFlash($"Draining {running.GetProperty("name").GetString()}.", page);
        Assert.Contains(ManagerHttp.RowState(ManagerHttp.WorkerRows(page)[id]), new[] { "Draining", "Terminated" });
        await admin.Http.EventuallyInStateAsync(id, "Terminated", StopDeadline);
        Assert.True(
            await ManagerHttp.EventuallyAsync(() => Processes.WithCommandLine($"--Worker:Id={id}").Count == 0, StopDeadline),
            $"the process of {id} is still running");
        Assert.Equal("Running", (await admin.Http.FirstWorkerRunningAsync()).State());
    }

    [Fact]
    public async Task WorkerAddedThroughTheApiRunsAndIsDeletedThroughTheApi()
    {
        using var script = site.BasicClient(SiteFactory.AdminName, SiteFactory.AdminPassword);
        await script.FirstWorkerRunningAsync();

        var added = (await script.AddWorkersAsync("{\"count\":1}")).Payload;

        Assert.Equal(JsonValueKind.Null, added.GetProperty("refusal").ValueKind);
        var worker = Assert.Single(added.GetProperty("workers").EnumerateArray());
        var id = worker.Id();
        Assert.Equal("Pending", worker.State());
        Assert.StartsWith("worker-", worker.GetProperty("name").GetString());
        Assert.Contains(await script.WorkersAsync(), w => w.Id() == id && w.State() is "Pending" or "Starting");
        var running = await script.EventuallyInStateAsync(id, "Running");
        Assert.False(running.GetProperty("running_since").ValueKind == JsonValueKind.Null);

        var removed = (await script.SendJsonAsync(HttpMethod.Delete, "/api/manager/workers/" + id)).Payload;

        var draining = Assert.Single(removed.GetProperty("workers").EnumerateArray());
        Assert.Equal(id, draining.Id());
        Assert.Equal("Draining", draining.State());
        await script.EventuallyInStateAsync(id, "Terminated", StopDeadline);
        Assert.True(
            await ManagerHttp.EventuallyAsync(() => Processes.WithCommandLine($"--Worker:Id={id}").Count == 0, StopDeadline),
            $"the process of {id} is still running");
        var again = await script.SendJsonAsync(HttpMethod.Delete, "/api/manager/workers/" + id);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
    }

    [Theory]
    [InlineData("{\"count\":0}")]
    [InlineData("{\"count\":-1}")]
    [InlineData("{\"count\":100}")]
    [InlineData("{}")]
    [InlineData("null")]
    public async Task ApiRefusesCountsOutsideOneToSixtyFour(string body)
    {
        using var script = site.BasicClient(SiteFactory.AdminName, SiteFactory.AdminPassword);
        await script.FirstWorkerRunningAsync();
        var before = (await script.WorkersAsync()).Count;

        var reply = await script.AddWorkersAsync(body);

        reply.AssertError(HttpStatusCode.BadRequest, "Bad Request - count must be between 1 and 64");
        Assert.Equal(before, (await script.WorkersAsync()).Count);
    }

    [Theory]
    [InlineData("count=1", "application/x-www-form-urlencoded")]
    [InlineData("{\"count\":", "application/json")]
    [InlineData("{\"count\":\"one\"}", "application/json")]
    [InlineData("", "application/json")]
    public async Task ApiRefusesABodyThatIsNotTheJsonItExpects(string body, string mediaType)
    {
        using var script = site.BasicClient(SiteFactory.AdminName, SiteFactory.AdminPassword);
        await script.FirstWorkerRunningAsync();
        var before = (await script.WorkersAsync()).Count;

        var reply = await script.AddWorkersAsync(body, mediaType);

        reply.AssertError(HttpStatusCode.BadRequest, "Bad Request - Send a JSON body {\"count\": n}");
        Assert.Equal(before, (await script.WorkersAsync()).Count);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100")]
    [InlineData("many")]
    public async Task PageRefusesCountsOutsideOneToSixtyFour(string count)
    {
        using var admin = await site.AdminAsync();
        await admin.Http.FirstWorkerRunningAsync();
        var before = (await admin.Http.WorkersAsync()).Count;

        using var response = await admin.PostFormAsync(WorkersPage + "?handler=Add", [new("count", count)], formPage: WorkersPage);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        HtmlAssert.ShowsError("Add between 1 and 64 workers.", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(before, (await admin.Http.WorkersAsync()).Count);
    }

    [Fact]
    public async Task RemovingAnUnknownWorkerIsNotFound()
    {
        using var script = site.BasicClient(SiteFactory.AdminName, SiteFactory.AdminPassword);

        var reply = await script.SendJsonAsync(HttpMethod.Delete, "/api/manager/workers/worker-999");

        reply.AssertError(HttpStatusCode.NotFound, "Refused - Worker worker-999 not found.");
    }

    [Fact]
    public async Task RemovingTheLastWorkerIsRefusedAndKeepsItRunning()
    {
        using var script = site.BasicClient(SiteFactory.AdminName, SiteFactory.AdminPassword);
        await script.FirstWorkerRunningAsync();
        Assert.Single(await script.WorkersAsync("Running"));

        var reply = await script.SendJsonAsync(HttpMethod.Delete, "/api/manager/workers/" + ManagerHttp.FirstWorker);

        reply.AssertError(HttpStatusCode.Conflict, "Refused - The fleet keeps at least 1 worker(s).");
        Assert.Equal("Running", (await script.FirstWorkerRunningAsync()).State());
    }
}
