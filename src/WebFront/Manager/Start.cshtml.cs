using FaceMask.WebFront.Cluster;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.WebFront.Manager;

/// <summary>
/// After "stop everything" no worker runs and no grain answers, the fleet included: only WebFront can
/// start worker #1 again (the embedded default). The fleet, reactivated there, adopts it and carries on.
/// </summary>
public sealed class StartModel(EmbeddedWorker embedded) : PageModel
{
    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        try
        {
            await embedded.StartAsync(HttpContext.RequestAborted);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Error = e.Message;
            return Page();
        }

        TempData["Message"] = "Worker #1 is running; the pool is starting.";
        return Redirect("/manager");
    }
}
