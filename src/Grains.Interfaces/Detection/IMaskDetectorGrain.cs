namespace FaceMask.Grains.Detection;

/// <summary>
/// Runs the face-mask detector on one photo. A stateless worker: each call runs on the silo whose
/// gateway received it, so callers outside the cluster spread load by drawing a fresh key per call
/// (see <see cref="DetectorKeys"/>).
/// </summary>
[Alias("facemask.IMaskDetectorGrain")]
public interface IMaskDetectorGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Decodes <paramref name="request"/>'s image, detects faces and, when asked, draws the annotated
    /// JPEG. A photo that cannot be used comes back as a <see cref="DetectionReply.Rejection"/>, not an
    /// exception.
    /// </summary>
    [Alias("DetectAsync")]
    Task<DetectionReply> DetectAsync(DetectionRequest request);
}

/// <summary>The key range callers draw detector keys from.</summary>
public static class DetectorKeys
{
    /// <summary>Far more keys than workers, so client gateway buckets cover every silo.</summary>
    public const int Count = 1024;

    public static long Next() => Random.Shared.Next(Count);
}
