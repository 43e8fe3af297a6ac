using System.Net;
using FaceMask.IntegrationTests.Site;

namespace FaceMask.IntegrationTests.ManagerSite;

/// <summary>The workers table, its state filter and a worker's own page with its four charts.</summary>
[Collection(SiteCollection.Name)]
public sealed class WorkersPageTests(SiteFactory site)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TableListsTheFirstWorkerRunningWithItsAddress()
    {
        using var admin = await site.AdminAsync();
        var first = await admin.Http.FirstWorkerRunningAsync();

        var page = await admin.GetPageAsync("/manager/workers");

        var row = ManagerHttp.WorkerRows(page)[ManagerHttp.FirstWorker];
        Assert.Equal("Running", ManagerHttp.RowState(row));
        var address = first.GetProperty("address").GetString();
        Assert.False(string.IsNullOrEmpty(address));
        Assert.Contains($"<td>{address}:{first.GetProperty("silo_port").GetInt32()}</td>", row);
        Assert.Contains($"href=\"/manager/workers/{ManagerHttp.FirstWorker}\"", row);
        Assert.Contains("action=\"/manager/workers?handler=Remove\"", row);
        Assert.Contains("action=\"/manager/workers?handler=Add\"", page);
    }

    [Fact]
    public async Task FilterShowsOnlyWorkersInThatState()
    {
        using var admin = await site.AdminAsync();
        await admin.Http.FirstWorkerRunningAsync();
        var runningIds = (await admin.Http.WorkersAsync("Running")).Select(w => w.Id()).ToHashSet();

        var running = ManagerHttp.WorkerRows(await admin.GetPageAsync("/manager/workers?state=Running"));
        var terminated = ManagerHttp.WorkerRows(await admin.GetPageAsync("/manager/workers?state=terminated"));

        Assert.Contains(ManagerHttp.FirstWorker, running.Keys);
        Assert.All(running.Values, row => Assert.Equal("Running", ManagerHttp.RowState(row)));
        Assert.Equal(runningIds, running.Keys.ToHashSet());
        Assert.DoesNotContain(ManagerHttp.FirstWorker, terminated.Keys);
        Assert.All(terminated.Values, row => Assert.Equal("Terminated", ManagerHttp.RowState(row)));
    }

    [Theory]
    [InlineData("Sleeping")]
    [InlineData("7")]
    public async Task UnknownStateFilterIsNotFound(string state)
    {
        using var admin = await site.AdminAsync();

        using var response = await admin.Http.GetAsync("/manager/workers?state=" + state, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ApiFilterByStateAndUnknownStateIsBadRequest()
    {
        using var script = site.BasicClient(SiteFactory.AdminName, SiteFactory.AdminPassword);
        await script.FirstWorkerRunningAsync();

        var running = await script.WorkersAsync("running");
        var unknown = await script.GetJsonAsync("/api/manager/workers?state=Sleeping");

        Assert.Contains(running, w => w.Id() == ManagerHttp.FirstWorker);
        Assert.All(running, w => Assert.Equal("Running", w.State()));
        unknown.AssertError(HttpStatusCode.BadRequest, "Bad Request - Unknown state 'Sleeping'");
    }

    [Fact]
    public async Task WorkerPageShowsItsFourChartsOfThirtyMinutes()
    {
        using var admin = await site.AdminAsync();
        await admin.Http.FirstWorkerRunningAsync();

        var page = await admin.GetPageAsync("/manager/workers/" + ManagerHttp.FirstWorker);

        foreach (var id in new[] { "chart-worker-cpu", "chart-worker-requests", "chart-worker-in", "chart-worker-out" })
        {
            var chart = ManagerHttp.ChartIn(page, id);
            Assert.Equal(30, chart.Points);
            Assert.Equal(chart.Points - chart.Gaps, chart.Drawn);
        }

        Assert.Contains($"data-refresh=\"/manager/charts/workers/{ManagerHttp.FirstWorker}\"", page);
        using var fragment = await admin.Http.GetAsync($"/manager/charts/workers/{ManagerHttp.FirstWorker}", Ct);
        Assert.Equal(HttpStatusCode.OK, fragment.StatusCode);
        Assert.Equal(30, ManagerHttp.ChartIn(await fragment.Content.ReadAsStringAsync(Ct), "chart-worker-out").Points);
    }

    [Theory]
    [InlineData("/manager/workers/worker-999")]
    [InlineData("/manager/charts/workers/worker-999")]
    public async Task UnknownWorkerIsNotFound(string path)
    {
        using var admin = await site.AdminAsync();

        using var response = await admin.Http.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ApiDescribesEachWorkerInSnakeCase()
    {
        using var script = site.BasicClient(SiteFactory.AdminName, SiteFactory.AdminPassword);

        var first = await script.FirstWorkerRunningAsync();

        Assert.Equal(
            ["id", "name", "state", "instance_id", "address", "silo_port", "gateway_port", "launched_at", "running_since", "scale_in_protected", "cpu_quota_active", "detail"],
            first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(ManagerHttp.FirstWorker, first.GetProperty("name").GetString());
        Assert.True(first.GetProperty("silo_port").GetInt32() > 0);
    }

    [Fact]
    public async Task ProtectedWorkerIsMarkedAndCannotBeRemovedUntilUnprotected()
    {
        using var admin = await site.AdminAsync();
        await admin.Http.FirstWorkerRunningAsync();

        using (var protect = await admin.PostFormAsync(
            "/manager/workers?handler=Protect", [new("id", ManagerHttp.FirstWorker), new("protect", "true")], formPage: "/manager/workers"))
        {
            Assert.Equal(HttpStatusCode.Redirect, protect.StatusCode);
        }

        try
        {
            var page = await admin.GetPageAsync("/manager/workers");
            HtmlAssert.ShowsFlash($"{ManagerHttp.FirstWorker} is protected from scale-in.", page);
            Assert.Contains(">Unprotect</button>", ManagerHttp.WorkerRows(page)[ManagerHttp.FirstWorker]);
            Assert.True((await admin.Http.FirstWorkerRunningAsync()).GetProperty("scale_in_protected").GetBoolean());
            var remove = await admin.Http.SendJsonAsync(HttpMethod.Delete, "/api/manager/workers/" + ManagerHttp.FirstWorker);
            remove.AssertError(HttpStatusCode.Conflict, $"Refused - {ManagerHttp.FirstWorker} is protected from scale-in.");
        }
        finally
        {
            using var unprotect = await admin.PostFormAsync(
                "/manager/workers?handler=Protect", [new("id", ManagerHttp.FirstWorker), new("protect", "false")], formPage: "/manager/workers");
            Assert.Equal(HttpStatusCode.Redirect, unprotect.StatusCode);
        }

        Assert.False((await admin.Http.FirstWorkerRunningAsync()).GetProperty("scale_in_protected").GetBoolean());
        Assert.Contains(">Protect</button>", ManagerHttp.WorkerRows(await admin.GetPageAsync("/manager/workers"))[ManagerHttp.FirstWorker]);
    }

    [Fact]
    public async Task RemovingAnUnknownWorkerFromThePageSaysSo()
    {
        using var admin = await site.AdminAsync();

        using var response = await admin.PostFormAsync("/manager/workers?handler=Remove", [new("id", "worker-999")], formPage: "/manager/workers");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        HtmlAssert.ShowsFlash("Not removed: Worker worker-999 not found.", await admin.GetPageAsync("/manager/workers"));
    }

    [Fact]
    public async Task FormPostWithoutAntiforgeryTokenIsRefusedAndAddsNothing()
    {
        using var admin = await site.AdminAsync();
        await admin.Http.FirstWorkerRunningAsync();
        var before = (await admin.Http.WorkersAsync()).Count;

        using var response = await admin.PostFormAsync("/manager/workers?handler=Add", [new("count", "1")], withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, (await admin.Http.WorkersAsync()).Count);
    }
}
