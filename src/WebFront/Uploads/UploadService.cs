using System.Diagnostics;
using FaceMask.Grains.Detection;
using FaceMask.WebFront.Detection;
using FaceMask.WebFront.Storage;

namespace FaceMask.WebFront.Uploads;

/// <summary>
/// Detects a photo on a worker and stores it: three blobs, then the row. Either all of it is stored or,
/// when any step fails, none of it remains.
/// </summary>
public sealed class UploadService(
    IClusterClient cluster,
    IImageStore images,
    IBlobStore blobs,
    TimeProvider time,
    ILoggerFactory loggers)
{
    public const int ThumbnailSize = 320;
    public const string CouldNotSave = "Bad image_path - Could not save the image";

    private readonly ILogger _logger = loggers.CreateLogger<UploadService>();

    public async Task<UploadResult> UploadAsync(long userId, PhotoRead photo, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var reply = await WorkerCalls.DetectAsync(cluster, new DetectionRequest(photo.Bytes, Annotate: true, ThumbnailSize), loggers);
        switch (reply)
        {
            case null:
                return UploadResult.Fail(StatusCodes.Status503ServiceUnavailable, WorkerCalls.Unavailable);
            case { Rejection: { Reason: RejectionReason.TooManyPixels } tooBig }:
                return UploadResult.Fail(StatusCodes.Status400BadRequest, "Bad Image - " + tooBig.Message);
            case { Rejection: not null }:
                return UploadResult.Fail(StatusCodes.Status400BadRequest, PhotoForm.NotAnImage);
        }

        var result = reply.Result!;
        var id = Guid.NewGuid().ToString("N");
        var (contentType, extension) = MediaTypes.Sniff(photo.Bytes, photo.Extension);
        var keys = BlobKeys.For(userId, id, extension);
        var image = new StoredImage(
            id,
            userId,
            photo.FileName,
            contentType,
            result.Width,
            result.Height,
            result.Detections.Count,
            result.NumMasked,
            result.NumUnmasked,
            ImageCategories.Of(result.Detections.Count, result.NumMasked),
            result.Detections.Select(d => new StoredFace(d.Label.ToString(), Math.Round(d.Score, 4), [d.XMin, d.YMin, d.XMax, d.YMax])).ToList(),
            keys.Original,
            keys.Annotated,
            keys.Thumbnail,
            result.Worker,
            Math.Round(result.ElapsedMs, 2),
            Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 2),
            time.GetUtcNow());

        // Once detected, the upload is stored even if the client goes away, so it is never half done.
        var written = new List<string>(3);
        try
        {
            await PutAsync(keys.Original, photo.Bytes, contentType, written);
            await PutAsync(keys.Annotated, result.AnnotatedJpeg!, MediaTypes.Jpeg, written);
            await PutAsync(keys.Thumbnail, result.ThumbnailJpeg!, MediaTypes.Jpeg, written);
            await images.InsertAsync(image, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogError(e, "Storing upload {ImageId} of user {UserId} failed; removing {Count} blob(s)", id, userId, written.Count);
            foreach (var key in written)
            {
                await DeleteQuietlyAsync(key);
            }

            return UploadResult.Fail(StatusCodes.Status500InternalServerError, CouldNotSave);
        }

        return UploadResult.Ok(image);
    }

    /// <summary>Removes the row first (the user no longer sees it), then its blobs.</summary>
    public async Task<bool> DeleteAsync(long userId, string imageId, CancellationToken cancellationToken)
    {
        var image = await images.FindAsync(userId, imageId, cancellationToken);
        if (image is null || !await images.DeleteAsync(userId, imageId, cancellationToken))
        {
            return false;
        }

        foreach (var key in new[] { image.OriginalKey, image.AnnotatedKey, image.ThumbnailKey })
        {
            await DeleteQuietlyAsync(key);
        }

        return true;
    }

    private async Task PutAsync(string key, byte[] content, string contentType, List<string> written)
    {
        // Listed before the write: a write that fails halfway may still have left something behind.
        written.Add(key);
        await blobs.PutAsync(key, content, contentType, CancellationToken.None);
    }

    private async Task DeleteQuietlyAsync(string key)
    {
        try
        {
            await blobs.DeleteAsync(key, CancellationToken.None);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Could not delete blob {Key}; it is left orphaned", key);
        }
    }
}

public sealed record UploadResult(StoredImage? Image, int Status, string? Message)
{
    public static UploadResult Ok(StoredImage image) => new(image, StatusCodes.Status200OK, null);

    public static UploadResult Fail(int status, string message) => new(null, status, message);
}
