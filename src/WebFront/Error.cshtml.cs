using FaceMask.WebFront.Api;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.WebFront;

/// <summary>
/// Every error status ends here (re-executed): the site's page, or the API's JSON error when the failed
/// request was under /api. Never shows exception details.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "Something went wrong";

    public string Explanation { get; private set; } = "The request failed. It has been logged; please try again.";

    /// <summary>Administrators may start a stopped pool again from the error page.</summary>
    public bool OfferRestart => Response.StatusCode == StatusCodes.Status503ServiceUnavailable && User.IsInRole(Accounts.UserClaims.AdminRole);

    // No handler parameters: binding one would read the form of the failed request, which may be
    // unreadable (cut off, drained after a 413) — the very reason we are here.
    public IActionResult OnGet() => Describe();

    public IActionResult OnPost() => Describe();

    private IActionResult Describe()
    {
        var requested = int.TryParse(RouteData.Values["code"] as string, System.Globalization.CultureInfo.InvariantCulture, out var c) ? c : (int?)null;
        var code = requested is >= 400 and < 600 ? requested.Value
            : HttpContext.Features.Get<IExceptionHandlerFeature>() is not null && Response.StatusCode >= 400 ? Response.StatusCode
            : StatusCodes.Status500InternalServerError;
        Response.StatusCode = code;
        var originalPath = HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath
            ?? HttpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path;
        if (originalPath is not null && ApiErrorHandling.IsApiPath(originalPath))
        {
            return new JsonResult(new ApiError(false, new ApiErrorBody(code, ApiErrorHandling.MessageOf(code)))) { StatusCode = code };
        }

        (Title, Explanation) = code switch
        {
            StatusCodes.Status400BadRequest => ("Bad request", "The form could not be used. Go back, reload the page and try again."),
            StatusCodes.Status403Forbidden => ("Not allowed", "Your account cannot open this page."),
            StatusCodes.Status404NotFound => ("Not found", "There is nothing here."),
            StatusCodes.Status405MethodNotAllowed => ("Not allowed", "This address does not take that kind of request."),
            StatusCodes.Status413PayloadTooLarge => ("Upload too large", "Photos can be at most 10 MB. Choose a smaller file."),
            StatusCodes.Status429TooManyRequests => ("Too many attempts", "Wait a minute, then try again."),
            StatusCodes.Status503ServiceUnavailable => ("No worker is running", "The worker pool is stopped or restarting. Try again in a moment."),
            _ => (Title, Explanation),
        };
        return Page();
    }
}
