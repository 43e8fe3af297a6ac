namespace FaceMask.Grains.Detection;

/// <summary>
/// Runs the face-mask detector on one photo. A stateless worker: a call normally runs on the silo whose
/// gateway received it, and <see cref="UnorderedCallAttribute"/> makes a client send each call to the
/// next live gateway, so callers outside the cluster spread load over every worker, those that joined
/// last included. Callers still draw a key per call (see <see cref="DetectorKeys"/>).
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
    [UnorderedCall]
    Task<DetectionReply> DetectAsync(DetectionRequest request);
}

/// <summary>The key range callers draw detector keys from.</summary>
public static class DetectorKeys
{
    /// <summary>Far more keys than a silo runs detections at once, so calls rarely queue behind one activation.</summary>
    public const int Count = 1024;

    public static long Next() => Random.Shared.Next(Count);
}
