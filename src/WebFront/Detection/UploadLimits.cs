using System.ComponentModel.DataAnnotations;

namespace FaceMask.WebFront.Detection;

/// <summary>Limits on uploaded photos ("Uploads" section).</summary>
public sealed class UploadLimits
{
    public const string Section = "Uploads";

    /// <summary>Largest accepted request body, multipart framing included.</summary>
    [Range(1024, 1L << 30)]
    public long MaxRequestBytes { get; set; } = 10L * 1024 * 1024;

    public static readonly IReadOnlyList<string> AllowedExtensions = ["png", "jpg", "jpeg", "gif"];
}
