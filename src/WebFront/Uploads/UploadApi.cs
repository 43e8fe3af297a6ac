using System.Globalization;
using System.Text.Json.Serialization;
using FaceMask.WebFront.Accounts;
using FaceMask.WebFront.Api;
using FaceMask.WebFront.Detection;
using FaceMask.WebFront.Images;
using FaceMask.WebFront.Storage;
using Microsoft.Extensions.Options;

namespace FaceMask.WebFront.Uploads;

public static class UploadApi
{
    /// <summary><c>POST /api/upload</c> (form: username, password, file): detect and store, like the upload page.</summary>
    public static IEndpointRouteBuilder MapUploadApi(this IEndpointRouteBuilder app)
    {
        // Credentials travel in the form and no cookie is read: nothing for antiforgery to protect.
        app.MapPost("/api/upload", UploadAsync).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> UploadAsync(
        HttpContext context, AccountService accounts, UploadService uploads, IOptions<UploadLimits> limits)
    {
        var request = context.Request;
        var form = await PhotoForm.ReadFormAsync(request, limits.Value.MaxRequestBytes);
        if (form.Form is null)
        {
            return ApiResults.Error(form.Status, form.Message!);
        }

        var (username, usernameProblem) = FormFields.Single(form.Form, "username");
        var (password, passwordProblem) = FormFields.Single(form.Form, "password");
        if ((usernameProblem ?? passwordProblem) is { } missing)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, missing);
        }

        var login = await accounts.AuthenticateAsync(username, password, context.RequestAborted);
        if (login.LockedOut)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(login.RetryAfter!.Value.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return ApiResults.Error(StatusCodes.Status429TooManyRequests, "Too Many Requests - Too many failed logins; try again later");
        }

        if (!login.Succeeded)
        {
            return ApiResults.Error(StatusCodes.Status401Unauthorized, "Unauthorized - Wrong user name or password");
        }

        var photo = await PhotoForm.ReadPhotoAsync(form.Form, context.RequestAborted);
        if (!photo.Succeeded)
        {
            return ApiResults.Error(photo.Status, photo.Message!);
        }

        var stored = await uploads.UploadAsync(login.User!.Id, photo, context.RequestAborted);
        if (stored.Image is not { } image)
        {
            return ApiResults.Error(stored.Status, stored.Message!);
        }

        var origin = $"{request.Scheme}://{request.Host}";
        return ApiResults.Ok(new UploadPayload(
            image.NumFaces,
            image.NumMasked,
            image.NumUnmasked,
            image.Id,
            image.Category.Key(),
            image.Worker,
            image.DetectMs,
            image.Width,
            image.Height,
            image.Detections.Select(d => new FaceJson(d.Label, d.Score, d.Box)).ToList(),
            origin + ImageLinks.Original(image),
            origin + ImageLinks.Annotated(image),
            origin + ImageLinks.Page(image)));
    }

    private sealed record UploadPayload(
        [property: JsonPropertyName("num_faces")] int NumFaces,
        [property: JsonPropertyName("num_masked")] int NumMasked,
        [property: JsonPropertyName("num_unmasked")] int NumUnmasked,
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("category")] string Category,
        [property: JsonPropertyName("worker")] string Worker,
        [property: JsonPropertyName("elapsed_ms")] double ElapsedMs,
        [property: JsonPropertyName("width")] int Width,
        [property: JsonPropertyName("height")] int Height,
        [property: JsonPropertyName("detections")] IReadOnlyList<FaceJson> Detections,
        [property: JsonPropertyName("original_url")] string OriginalUrl,
        [property: JsonPropertyName("annotated_url")] string AnnotatedUrl,
        [property: JsonPropertyName("page_url")] string PageUrl);
}
