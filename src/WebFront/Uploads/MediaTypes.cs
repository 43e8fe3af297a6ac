namespace FaceMask.WebFront.Uploads;

/// <summary>The real type of an upload, from its first bytes rather than its name.</summary>
public static class MediaTypes
{
    public const string Jpeg = "image/jpeg";

    public static (string ContentType, string Extension) Sniff(ReadOnlySpan<byte> bytes, string claimedExtension) =>
        bytes switch
        {
            [0x89, 0x50, 0x4E, 0x47, ..] => ("image/png", "png"),
            [0xFF, 0xD8, 0xFF, ..] => (Jpeg, "jpg"),
            [0x47, 0x49, 0x46, 0x38, ..] => ("image/gif", "gif"),
            [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..] => ("image/webp", "webp"),
            [0x42, 0x4D, ..] => ("image/bmp", "bmp"),
            _ => ("application/octet-stream", claimedExtension is "png" or "jpg" or "jpeg" or "gif" ? claimedExtension : "bin"),
        };
}
