using System.Globalization;
using FaceMask.Grains.Fleet;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.WebFront.Manager;

public sealed class WorkersModel(IClusterClient cluster, TimeProvider time) : PageModel
{
    public WorkerState? State { get; private set; }

    public IReadOnlyList<WorkerRow> Rows { get; private set; } = [];

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? state)
    {
        if (!string.IsNullOrEmpty(state))
        {
            if (!Enum.TryParse<WorkerState>(state, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return NotFound();
            }

            State = parsed;
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAddAsync(int count)
    {
        if (count is < 1 or > 64)
        {
            return await RefuseAsync("Add between 1 and 64 workers.");
        }

        var change = await Fleet.AddAsync(count);
        TempData["Message"] = change.Workers.Count > 0
            ? $"Adding {change.Workers.Count} worker(s)." + (change.Refusal is null ? "" : " " + change.Refusal)
            : "No worker added: " + change.Refusal;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string id)
    {
        var change = await Fleet.RemoveWorkerAsync(id);
        TempData["Message"] = change.Workers.Count > 0 ? $"Draining {change.Workers[0].Name}." : "Not removed: " + change.Refusal;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostProtectAsync(string id, bool protect)
    {
        var worker = await Fleet.SetScaleInProtectionAsync(id, protect);
        TempData["Message"] = worker is null ? "No such worker." : $"{worker.Name} is {(protect ? "protected from" : "open to")} scale-in.";
        return RedirectToPage();
    }

    private IFleetGrain Fleet => cluster.GetGrain<IFleetGrain>(FleetKeys.Default);

    private async Task<IActionResult> RefuseAsync(string message)
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        Error = message;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var now = time.GetUtcNow();
        var rows = new List<WorkerRow>();
        foreach (var worker in await Fleet.ListAsync(State))
        {
            var metrics = cluster.GetGrain<IWorkerGrain>(worker.Id);
            var latest = worker.State is WorkerState.Running or WorkerState.Draining ? await metrics.LatestAsync() : null;
            var perMinute = latest is { IntervalSeconds: > 0 } ? latest.RequestsCompleted * 60 / latest.IntervalSeconds : (double?)null;
            rows.Add(new WorkerRow(
                worker,
                worker.RunningSince is { } since ? Uptime(now - since) : "–",
                latest is null ? "–" : latest.CpuPercent.ToString("0.0", CultureInfo.InvariantCulture) + " %",
                perMinute is null ? "–" : perMinute.Value.ToString("0", CultureInfo.InvariantCulture)));
        }

        Rows = rows;
    }

    private static string Uptime(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
        : span.TotalMinutes >= 1 ? $"{span.Minutes} min {span.Seconds} s"
        : $"{Math.Max(0, span.Seconds)} s";

    public sealed record WorkerRow(WorkerInfo Worker, string Uptime, string Cpu, string RequestsPerMinute);
}
