namespace FaceMask.Grains.Detection;

/// <summary>
/// A photo to run through the detector. With <see cref="Annotate"/> the reply carries the annotated
/// JPEG; a <see cref="ThumbnailSize"/> above zero adds a JPEG thumbnail of it, at most that many pixels
/// on its longer side.
/// </summary>
[GenerateSerializer, Immutable, Alias("facemask.DetectionRequest")]
public sealed record DetectionRequest(
    [property: Id(0)] byte[] Image,
    [property: Id(1)] bool Annotate,
    [property: Id(2)] int ThumbnailSize = 0);

[GenerateSerializer, Alias("facemask.FaceLabel")]
public enum FaceLabel
{
    Mask = 0,
    NoMask = 1,
}

/// <summary>A face in original-image pixels: [XMin, XMax) × [YMin, YMax).</summary>
[GenerateSerializer, Immutable, Alias("facemask.Detection")]
public sealed record Detection(
    [property: Id(0)] FaceLabel Label,
    [property: Id(1)] float Score,
    [property: Id(2)] int XMin,
    [property: Id(3)] int YMin,
    [property: Id(4)] int XMax,
    [property: Id(5)] int YMax);

[GenerateSerializer, Immutable, Alias("facemask.DetectionResult")]
public sealed record DetectionResult(
    [property: Id(0)] IReadOnlyList<Detection> Detections,
    [property: Id(1)] int Width,
    [property: Id(2)] int Height,
    [property: Id(3)] string Worker,
    [property: Id(4)] double ElapsedMs,
    [property: Id(5)] byte[]? AnnotatedJpeg,
    [property: Id(6)] byte[]? ThumbnailJpeg = null)
{
    public int NumMasked => Detections.Count(d => d.Label == FaceLabel.Mask);

    public int NumUnmasked => Detections.Count(d => d.Label == FaceLabel.NoMask);
}

[GenerateSerializer, Alias("facemask.RejectionReason")]
public enum RejectionReason
{
    /// <summary>The bytes are not a complete image in a format the decoder knows.</summary>
    NotAnImage = 0,

    /// <summary>The header declares more pixels than the configured limit.</summary>
    TooManyPixels = 1,
}

[GenerateSerializer, Immutable, Alias("facemask.ImageRejection")]
public sealed record ImageRejection(
    [property: Id(0)] RejectionReason Reason,
    [property: Id(1)] string Message);

/// <summary>Exactly one of <see cref="Result"/> and <see cref="Rejection"/> is set.</summary>
[GenerateSerializer, Immutable, Alias("facemask.DetectionReply")]
public sealed record DetectionReply(
    [property: Id(0)] DetectionResult? Result,
    [property: Id(1)] ImageRejection? Rejection)
{
    public static DetectionReply Ok(DetectionResult result) => new(result, null);

    public static DetectionReply Rejected(ImageRejection rejection) => new(null, rejection);
}
