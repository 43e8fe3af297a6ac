using Microsoft.AspNetCore.Http.Features;

namespace FaceMask.WebFront.Detection;

/// <summary>
/// Reads and checks the photo part of a multipart request, answering with the original API's messages.
/// </summary>
public static class PhotoForm
{
    public const string NoFilePart = "Bad Request - No file part";
    public const string NoImageSelected = "Bad Request - No image selected for detection";
    public const string NotAnImage = "Bad Image - Could not parse the image";

    public static string DisallowedType(string fileName) =>
        $"Bad Request -filename:{fileName} - Allowed image types are -> png, jpg, jpeg, gif";

    public static string TooLarge(long limit) => $"Payload Too Large - the request body exceeds {limit} bytes";

    /// <summary>How much of an oversized body is read and dropped so the client can read the 413.</summary>
    private const long DrainLimit = 64L * 1024 * 1024;

    /// <summary>The form, or the status and message to answer with.</summary>
    public static async Task<FormRead> ReadFormAsync(HttpRequest request, long limit, string notAForm = NoFilePart)
    {
        if (request.ContentLength > limit)
        {
            await DrainAsync(request);
            return FormRead.Fail(StatusCodes.Status413PayloadTooLarge, TooLarge(limit));
        }

        if (!request.HasFormContentType)
        {
            return FormRead.Fail(StatusCodes.Status400BadRequest, notAForm);
        }

        try
        {
            return FormRead.Ok(await request.ReadFormAsync(request.HttpContext.RequestAborted));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return FormRead.Fail(StatusCodes.Status413PayloadTooLarge, TooLarge(limit));
        }
        catch (InvalidDataException e) when (e.Message.Contains("length limit", StringComparison.OrdinalIgnoreCase))
        {
            await DrainAsync(request);
            return FormRead.Fail(StatusCodes.Status413PayloadTooLarge, TooLarge(limit));
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return FormRead.Fail(StatusCodes.Status400BadRequest, "Bad Request - The multipart form could not be read");
        }
    }

    /// <summary>
    /// Reads and drops an oversized body (up to <see cref="DrainLimit"/>): a server that answers 413 and
    /// closes mid-upload leaves most clients with a broken pipe instead of the JSON error.
    /// </summary>
    public static async Task DrainAsync(HttpRequest request)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = DrainLimit;
        }

        var buffer = new byte[81920];
        long total = 0;
        try
        {
            int read;
            while (total < DrainLimit && (read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
            {
                total += read;
            }
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
        {
            // The client gave up or sent more than we drain: the connection closes either way.
        }
    }

    /// <summary>The one <c>file</c> part, its name and bytes, or the status and message to answer with.</summary>
    public static async Task<PhotoRead> ReadPhotoAsync(IFormCollection form, CancellationToken cancellationToken)
    {
        var files = form.Files.GetFiles("file");
        if (files.Count == 0)
        {
            // A browser with no file chosen sends the part with an empty file name, which arrives as a
            // plain field: that is "no image selected", as in the original.
            return PhotoRead.Fail(
                StatusCodes.Status400BadRequest, form.ContainsKey("file") ? NoImageSelected : NoFilePart);
        }

        if (files.Count > 1)
        {
            return PhotoRead.Fail(StatusCodes.Status400BadRequest, "Bad Request - Send exactly one file part");
        }

        var file = files[0];
        var fileName = CleanFileName(file.FileName);
        if (string.IsNullOrWhiteSpace(fileName) || file.Length == 0)
        {
            return PhotoRead.Fail(StatusCodes.Status400BadRequest, NoImageSelected);
        }

        var dot = fileName.LastIndexOf('.');
        var extension = dot < 0 ? "" : fileName[(dot + 1)..].ToLowerInvariant();
        if (!UploadLimits.AllowedExtensions.Contains(extension))
        {
            return PhotoRead.Fail(StatusCodes.Status400BadRequest, DisallowedType(file.FileName));
        }

        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken);
        }

        return PhotoRead.Ok(fileName, extension, bytes);
    }

    /// <summary>
    /// The name to keep and show: no folders (a client may send "../../x.png" or "C:\\x.png"), no control
    /// characters, at most 200 characters.
    /// </summary>
    public static string CleanFileName(string? raw)
    {
        var name = Path.GetFileName((raw ?? "").Replace('\\', '/'));
        name = new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return name.Length <= 200 ? name : name[^200..];
    }

    public static IServiceCollection AddPhotoUploads(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UploadLimits>()
            .BindConfiguration(UploadLimits.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var limit = configuration.GetSection(UploadLimits.Section).Get<UploadLimits>()?.MaxRequestBytes
            ?? new UploadLimits().MaxRequestBytes;
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = limit);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = limit);
        return services;
    }
}

public sealed record FormRead(IFormCollection? Form, int Status, string? Message)
{
    public static FormRead Ok(IFormCollection form) => new(form, StatusCodes.Status200OK, null);

    public static FormRead Fail(int status, string message) => new(null, status, message);
}

public sealed record PhotoRead(string FileName, string Extension, byte[] Bytes, int Status, string? Message)
{
    public bool Succeeded => Message is null;

    public static PhotoRead Ok(string fileName, string extension, byte[] bytes) =>
        new(fileName, extension, bytes, StatusCodes.Status200OK, null);

    public static PhotoRead Fail(int status, string message) => new("", "", [], status, message);
}
