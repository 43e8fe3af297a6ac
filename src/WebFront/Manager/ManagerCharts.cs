using FaceMask.Grains.Fleet;
using FaceMask.WebFront.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FaceMask.WebFront.Manager;

/// <summary>The manager's charts as HTML fragments: rendered into the pages and re-fetched by them every few seconds.</summary>
public static class ManagerCharts
{
    public const int Minutes = 30;

    public static async Task<string> FleetAsync(IClusterClient cluster)
    {
        var series = await cluster.GetGrain<IFleetGrain>(FleetKeys.Default).SeriesAsync(Minutes);
        return Figure(SvgChart.Render("chart-workers", "Running workers, last 30 minutes", series.RunningWorkers), "Workers")
            + Figure(SvgChart.Render("chart-cpu", "Average CPU of running workers, last 30 minutes", series.AverageCpuPercent, "%", 100), "Average CPU");
    }

    public static async Task<string> WorkerAsync(IClusterClient cluster, string workerId)
    {
        var series = await cluster.GetGrain<IWorkerGrain>(workerId).SeriesAsync(Minutes);
        return Figure(SvgChart.Render("chart-worker-cpu", "CPU, last 30 minutes", series.CpuPercent, "%", 100), "CPU (% of its allotment)")
            + Figure(SvgChart.Render("chart-worker-requests", "Requests per minute, last 30 minutes", series.RequestsPerMinute), "Requests per minute")
            + Figure(SvgChart.Render("chart-worker-in", "Network in per minute, last 30 minutes", series.BytesInPerMinute, "B"), "Network in (bytes/min)")
            + Figure(SvgChart.Render("chart-worker-out", "Network out per minute, last 30 minutes", series.BytesOutPerMinute, "B"), "Network out (bytes/min)");
    }

    /// <summary><c>GET /manager/charts/fleet</c> and <c>/manager/charts/workers/{id}</c>: the fragments, for refreshing.</summary>
    public static IEndpointRouteBuilder MapManagerCharts(this IEndpointRouteBuilder app)
    {
        var charts = app.MapGroup("/manager/charts").RequireAuthorization(UserClaims.AdminPolicy);
        charts.MapGet("/fleet", async (IClusterClient cluster) => TypedResults.Content(await FleetAsync(cluster), "text/html; charset=utf-8"));
        charts.MapGet("/workers/{id}", WorkerFragmentAsync);
        return app;
    }

    /// <summary>404 for a worker the fleet does not know, as its page does: no metrics grain for arbitrary ids.</summary>
    private static async Task<Results<ContentHttpResult, NotFound>> WorkerFragmentAsync(string id, IClusterClient cluster)
    {
        var workers = await cluster.GetGrain<IFleetGrain>(FleetKeys.Default).ListAsync(null);
        return workers.Any(w => w.Id == id)
            ? TypedResults.Content(await WorkerAsync(cluster, id), "text/html; charset=utf-8")
            : TypedResults.NotFound();
    }

    private static string Figure(string svg, string caption) =>
        $"<figure class=\"chart-box\">{svg}<figcaption>{System.Net.WebUtility.HtmlEncode(caption)}</figcaption></figure>";
}
