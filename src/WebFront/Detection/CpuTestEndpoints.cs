using FaceMask.Grains.Detection;
using FaceMask.WebFront.Api;
using Microsoft.Extensions.Options;

namespace FaceMask.WebFront.Detection;

public static class CpuTestEndpoints
{
    /// <summary><c>POST /api/cpuTest</c>: detection only, nothing stored (the load-test endpoint).</summary>
    public static IEndpointRouteBuilder MapCpuTest(this IEndpointRouteBuilder app)
    {
        // A JSON API for scripts: no cookies are read, so there is nothing for antiforgery to protect.
        app.MapPost("/api/cpuTest", DetectAsync).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> DetectAsync(
        HttpRequest request, IClusterClient cluster, IOptions<UploadLimits> limits, ILoggerFactory loggers)
    {
        var form = await PhotoForm.ReadFormAsync(request, limits.Value.MaxRequestBytes);
        if (form.Form is null)
        {
            return ApiResults.Error(form.Status, form.Message!);
        }

        var photo = await PhotoForm.ReadPhotoAsync(form.Form, request.HttpContext.RequestAborted);
        if (!photo.Succeeded)
        {
            return ApiResults.Error(photo.Status, photo.Message!);
        }

        var reply = await WorkerCalls.DetectAsync(cluster, new DetectionRequest(photo.Bytes, Annotate: false), loggers);
        return reply switch
        {
            { Result: { } result } => ApiResults.Ok(DetectionPayload.From(result)),
            { Rejection: { Reason: RejectionReason.TooManyPixels } rejection } =>
                ApiResults.Error(StatusCodes.Status400BadRequest, "Bad Image - " + rejection.Message),
            { Rejection: not null } => ApiResults.Error(StatusCodes.Status400BadRequest, PhotoForm.NotAnImage),
            _ => ApiResults.Error(StatusCodes.Status503ServiceUnavailable, WorkerCalls.Unavailable),
        };
    }
}
