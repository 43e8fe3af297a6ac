using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FaceMask.IntegrationTests.Site;

namespace FaceMask.IntegrationTests.ManagerSite;

/// <summary>The manager's home: the fleet's two 30-minute charts (gaps, never invented zeros), its counts, the link to the dashboard.</summary>
[Collection(SiteCollection.Name)]
public sealed partial class ManagerHomeTests(SiteFactory site)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AdministratorSeesBothFleetChartsWithThirtyMinutesEach()
    {
        using var admin = await site.AdminAsync();
        await admin.Http.FirstWorkerRunningAsync();

        var page = await admin.GetPageAsync("/manager");

        foreach (var id in new[] { "chart-workers", "chart-cpu" })
        {
            var chart = ManagerHttp.ChartIn(page, id);
            Assert.Equal(30, chart.Points);
            Assert.Equal(chart.Points - chart.Gaps, chart.Drawn);
        }

        Assert.Contains("<div class=\"charts\" data-refresh=\"/manager/charts/fleet\">", page);
        Assert.Contains("href=\"/dashboard/\"", page);
        Assert.Contains("href=\"/manager/workers\"", page);
        Assert.Contains("action=\"/manager?handler=DeleteData\"", page);
        Assert.Contains("action=\"/manager?handler=StopAll\"", page);
    }

    [Fact]
    public async Task MinutesBeforeTheFleetExistedAreGapsNotZeros()
    {
        // This site started minutes ago: most of the last 30 minutes have no data at all.
        using var admin = await site.AdminAsync();
        await admin.Http.FirstWorkerRunningAsync();

        var page = await admin.GetPageAsync("/manager");
        var series = (await admin.Http.GetJsonAsync("/api/manager/series")).Payload.GetProperty("fleet");

        var workers = ManagerHttp.ChartIn(page, "chart-workers");
        Assert.InRange(workers.Gaps, 1, 29);
        var running = series.GetProperty("running_workers").EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Null, running[0].GetProperty("value").ValueKind);
        Assert.Contains(running, p => p.GetProperty("value") is { ValueKind: JsonValueKind.Number } v && v.GetDouble() >= 1);
        Assert.Equal(running.Count(p => p.GetProperty("value").ValueKind == JsonValueKind.Null), workers.Gaps);
        Assert.True(ManagerHttp.ChartIn(page, "chart-cpu").Gaps >= 1);
    }

    [Fact]
    public async Task StatsCountRunningWorkersAndStoredUploads()
    {
        using var user = site.NewClient();
        await user.RegisterNewUserAsync();
        await user.UploadOkAsync(BadImages.Demo2Jpeg, "stats.jpg");
        using var admin = await site.AdminAsync();
        await admin.Http.FirstWorkerRunningAsync();
        var running = (await admin.Http.WorkersAsync("Running")).Count;

        var page = await admin.GetPageAsync("/manager");

        Assert.Equal(running.ToString(), Stat(page, "running"));
        Assert.Equal((await StoredState.OfAsync(site)).Images.ToString(), Stat(page, "images"));
    }

    [Fact]
    public async Task RefreshFragmentAnswersTheSameTwoCharts()
    {
        using var admin = await site.AdminAsync();

        using var response = await admin.Http.GetAsync("/manager/charts/fleet", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var fragment = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("<html", fragment);
        Assert.Equal(30, ManagerHttp.ChartIn(fragment, "chart-workers").Points);
        Assert.Equal(30, ManagerHttp.ChartIn(fragment, "chart-cpu").Points);
        Assert.Equal(2, Regex.Count(fragment, "<svg "));
    }

    [Fact]
    public async Task SeriesApiAnswersThirtyMinutesOfFleetAndWorkerSeries()
    {
        using var script = site.BasicClient(SiteFactory.AdminName, SiteFactory.AdminPassword);
        await script.FirstWorkerRunningAsync();

        var payload = (await script.GetJsonAsync("/api/manager/series")).Payload;

        Assert.Equal(30, payload.GetProperty("minutes").GetInt32());
        var fleet = payload.GetProperty("fleet");
        var running = fleet.GetProperty("running_workers").EnumerateArray().ToList();
        Assert.Equal(30, running.Count);
        Assert.Equal(30, fleet.GetProperty("average_cpu_percent").GetArrayLength());
        var minutes = running.Select(p => p.GetProperty("minute").GetDateTimeOffset()).ToList();
        Assert.All(minutes.Zip(minutes.Skip(1)), pair => Assert.Equal(TimeSpan.FromMinutes(1), pair.Second - pair.First));
        Assert.InRange(DateTimeOffset.UtcNow - minutes[^1], TimeSpan.FromSeconds(-5), TimeSpan.FromMinutes(1.1));
        var first = payload.GetProperty("workers").GetProperty(ManagerHttp.FirstWorker);
        foreach (var name in new[] { "cpu_percent", "requests_per_minute", "bytes_in_per_minute", "bytes_out_per_minute" })
        {
            Assert.Equal(30, first.GetProperty(name).GetArrayLength());
        }
    }

    [Theory]
    [InlineData("?minutes=5", 5)]
    [InlineData("?minutes=60", 60)]
    [InlineData("?minutes=0", 1)]
    [InlineData("?minutes=-3", 1)]
    [InlineData("?minutes=1000", 60)]
    [InlineData("", 30)]
    public async Task SeriesMinutesAreClampedBetweenOneAndSixty(string query, int expected)
    {
        using var script = site.BasicClient(SiteFactory.AdminName, SiteFactory.AdminPassword);

        var payload = (await script.GetJsonAsync("/api/manager/series" + query)).Payload;

        Assert.Equal(expected, payload.GetProperty("minutes").GetInt32());
        Assert.Equal(expected, payload.GetProperty("fleet").GetProperty("running_workers").GetArrayLength());
        Assert.Equal(expected, payload.GetProperty("fleet").GetProperty("average_cpu_percent").GetArrayLength());
    }

    [Fact]
    public async Task AdministratorOpensTheOrleansDashboard()
    {
        using var admin = await site.AdminAsync();

        using var response = await admin.Http.GetAsync("/dashboard/", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
    }

    private static string Stat(string page, string id)
    {
        var match = Regex.Match(page, $"<strong id=\"{id}\">([^<]*)</strong>");
        Assert.True(match.Success, $"The page shows no #{id}.");
        return match.Groups[1].Value.Trim();
    }
}
