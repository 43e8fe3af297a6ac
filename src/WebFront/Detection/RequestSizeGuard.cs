using FaceMask.WebFront.Api;
using Microsoft.Extensions.Options;

namespace FaceMask.WebFront.Detection;

/// <summary>
/// Answers 413 to any request whose declared body is over the limit, before antiforgery or model
/// binding read it: JSON for the API, the error page for the site.
/// </summary>
public sealed class RequestSizeGuard(RequestDelegate next, IOptions<UploadLimits> limits)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var limit = limits.Value.MaxRequestBytes;
        // The error page re-executes this request: the body is drained already, let it render.
        if (context.Request.ContentLength is not { } length || length <= limit
            || context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is not null)
        {
            await next(context);
            return;
        }

        await PhotoForm.DrainAsync(context.Request);
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            await ApiResults.Error(StatusCodes.Status413PayloadTooLarge, PhotoForm.TooLarge(limit)).ExecuteAsync(context);
        }
        else
        {
            // Left without a body: the status-code pages render the site's error page.
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        }
    }
}
