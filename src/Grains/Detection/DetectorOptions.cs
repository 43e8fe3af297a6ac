using System.ComponentModel.DataAnnotations;

namespace FaceMask.Grains.Detection;

/// <summary>Settings of the detector, bound from the "Detector" configuration section.</summary>
public sealed class DetectorOptions
{
    public const string Section = "Detector";

    /// <summary>Path of face_mask_detection.onnx; when empty the default folders are searched.</summary>
    public string? ModelPath { get; set; }

    /// <summary>ONNX Runtime intra-op threads per inference call.</summary>
    [Range(1, 64)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Images whose header declares more pixels than this are rejected before decoding.</summary>
    [Range(1, 500_000_000)]
    public long MaxPixels { get; set; } = 40_000_000;

    [Range(1, 100)]
    public int JpegQuality { get; set; } = 90;
}
