using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.WebFront;

/// <summary>Where a signed-in user without the right role lands: a real 403, not a 200 page.</summary>
public sealed class DeniedModel : PageModel
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
