using FaceMask.Grains.Fleet;
using FaceMask.Grains.Scaling;
using FaceMask.WebFront.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.WebFront.Manager;

/// <summary>The manager's home: fleet charts and the two destructive actions, each behind a typed confirmation.</summary>
public sealed class IndexModel(IClusterClient cluster, IImageStore images, IBlobStore blobs, ILogger<IndexModel> logger) : PageModel
{
    public string Charts { get; private set; } = "";

    public int Running { get; private set; }

    public int Starting { get; private set; }

    public int Draining { get; private set; }

    public int Failed { get; private set; }

    public int ImageCount { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostDeleteDataAsync(string? confirm)
    {
        if (confirm != "DELETE")
        {
            return await RefuseAsync("Type DELETE to confirm; nothing was deleted.");
        }

        // Rows first: from then on nobody sees the uploads, even if deleting a file fails.
        var deleted = await images.DeleteAllAsync(HttpContext.RequestAborted);
        try
        {
            await blobs.DeletePrefixAsync("users/", CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "All image rows are deleted but some blobs were not");
        }

        TempData["Message"] = $"Deleted {deleted} uploads and their files.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostStopAllAsync(string? confirm)
    {
        if (confirm != "STOP")
        {
            return await RefuseAsync("Type STOP to confirm; nothing was stopped.");
        }

        // The scaler first, or its next tick would grow the stopped fleet back to its minimum.
        await cluster.GetGrain<IScalerGrain>(ScalingKeys.Default).DisableAsync();
        await cluster.GetGrain<IFleetGrain>(FleetKeys.Default).StopAllAsync();
        TempData["Message"] = "The scaler is off and every worker is stopping.";
        return RedirectToPage();
    }

    private async Task<IActionResult> RefuseAsync(string message)
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        Error = message;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var workers = await cluster.GetGrain<IFleetGrain>(FleetKeys.Default).ListAsync(null);
        Running = workers.Count(w => w.State == WorkerState.Running);
        Starting = workers.Count(w => w.State is WorkerState.Pending or WorkerState.Starting);
        Draining = workers.Count(w => w.State == WorkerState.Draining);
        Failed = workers.Count(w => w.State == WorkerState.Failed);
        ImageCount = await images.CountAllAsync(HttpContext.RequestAborted);
        Charts = await ManagerCharts.FleetAsync(cluster);
    }
}
