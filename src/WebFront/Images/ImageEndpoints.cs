using System.Text.RegularExpressions;
using FaceMask.WebFront.Accounts;
using FaceMask.WebFront.Storage;
using Microsoft.Net.Http.Headers;

namespace FaceMask.WebFront.Images;

public static partial class ImageEndpoints
{
    /// <summary>
    /// <c>GET /images/{id}/{original|annotated|thumbnail}</c>: the bytes, to their owner only. The owner is
    /// the signed-in user, or an API client sending its user name and password as HTTP Basic. Anyone
    /// else gets the same 404 as for an id that never existed.
    /// </summary>
    public static IEndpointRouteBuilder MapImageFiles(this IEndpointRouteBuilder app)
    {
        app.MapGet("/images/{id}/{kind}", ServeAsync);
        return app;
    }

    private static async Task<IResult> ServeAsync(
        string id, string kind, HttpContext context, IImageStore images, IBlobStore blobs, AccountService accounts)
    {
        if (!IdPattern().IsMatch(id) || kind is not ("original" or "annotated" or "thumbnail"))
        {
            return TypedResults.NotFound();
        }

        var userId = UserClaims.IdOf(context.User);
        if (userId is null && UserClaims.BasicCredentials(context.Request) is var (username, password))
        {
            var login = await accounts.AuthenticateAsync(username, password, context.RequestAborted);
            userId = login.User?.Id;
        }

        var image = userId is { } owner ? await images.FindAsync(owner, id, context.RequestAborted) : null;
        if (image is null)
        {
            return TypedResults.NotFound();
        }

        var key = kind switch
        {
            "original" => image.OriginalKey,
            "annotated" => image.AnnotatedKey,
            _ => image.ThumbnailKey,
        };
        var etag = new EntityTagHeaderValue($"\"{image.Id}-{kind}\"");
        var headers = context.Response.GetTypedHeaders();
        // Private: the bytes of an id never change, but only their owner may keep them.
        headers.CacheControl = new CacheControlHeaderValue { Private = true, MaxAge = TimeSpan.FromDays(30) };
        headers.ETag = etag;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        if (context.Request.GetTypedHeaders().IfNoneMatch.Any(t => t.Compare(etag, useStrongComparison: false)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        var blob = await blobs.GetAsync(key, context.RequestAborted);
        return blob is null
            ? TypedResults.NotFound()
            : TypedResults.File(blob.Content, kind == "original" ? image.ContentType : blob.ContentType);
    }

    [GeneratedRegex(@"^[0-9a-f]{32}\z")]
    private static partial Regex IdPattern();
}
