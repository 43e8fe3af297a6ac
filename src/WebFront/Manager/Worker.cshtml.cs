using FaceMask.Grains.Fleet;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.WebFront.Manager;

public sealed class WorkerModel(IClusterClient cluster) : PageModel
{
    public WorkerInfo? Worker { get; private set; }

    public string Charts { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string id)
    {
        var workers = await cluster.GetGrain<IFleetGrain>(FleetKeys.Default).ListAsync(null);
        Worker = workers.FirstOrDefault(w => w.Id == id);
        if (Worker is null)
        {
            return NotFound();
        }

        Charts = await ManagerCharts.WorkerAsync(cluster, id);
        return Page();
    }
}
