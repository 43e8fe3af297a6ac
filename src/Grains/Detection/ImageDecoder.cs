using System.Runtime.InteropServices;
using SkiaSharp;

namespace FaceMask.Grains.Detection;

/// <summary>
/// Turns untrusted upload bytes into the pixels the original pipeline fed its model: 8-bit RGB, 16-bit
/// samples cut to their high byte, alpha dropped (not blended), EXIF orientation applied, first GIF frame.
/// </summary>
public sealed class ImageDecoder(long maxPixels)
{
    public long MaxPixels { get; } = maxPixels;

    public DecodeOutcome Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty)
        {
            return DecodeOutcome.Fail(RejectionReason.NotAnImage, "The file is empty.");
        }

        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(new SKMemoryStream(data), out var createResult);
        if (codec is null)
        {
            return DecodeOutcome.Fail(RejectionReason.NotAnImage, $"Not a supported image ({createResult}).");
        }

        var info = codec.Info;
        long pixels = (long)info.Width * info.Height;
        if (info.Width <= 0 || info.Height <= 0)
        {
            return DecodeOutcome.Fail(RejectionReason.NotAnImage, "The image has no pixels.");
        }

        if (pixels > MaxPixels)
        {
            return DecodeOutcome.Fail(
                RejectionReason.TooManyPixels,
                $"The image is {info.Width}x{info.Height} pixels; at most {MaxPixels} pixels are accepted.");
        }

        var decoded = DecodeEightBit(codec, info);
        if (decoded is null)
        {
            return DecodeOutcome.Fail(RejectionReason.NotAnImage, "The image data is truncated or corrupt.");
        }

        return DecodeOutcome.Ok(Orientation.Apply(decoded, codec.EncodedOrigin));
    }

    // Anything short of Success (IncompleteInput above all) means rows are missing: reject.
    // Skia reports 16-bit PNGs as 8-bit and keeps each sample's high byte, as OpenCV did (the decoder
    // tests check this pixel by pixel on the 16-bit fixtures). Alpha is dropped, not blended.
    private static RgbaImage? DecodeEightBit(SKCodec codec, SKImageInfo info)
    {
        // No colour space: the original pipeline ignored embedded profiles, and so do we.
        var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        // The codec writes every byte, so the buffer need not be zeroed first.
        var pixels = GC.AllocateUninitializedArray<byte>(target.BytesSize);
        using var pin = pixels.AsMemory().Pin();
        unsafe
        {
            if (codec.GetPixels(target, (IntPtr)pin.Pointer) != SKCodecResult.Success)
            {
                return null;
            }
        }

        MakeOpaque(pixels);
        return new RgbaImage(info.Width, info.Height, pixels);
    }

    private static void MakeOpaque(byte[] rgba)
    {
        var words = MemoryMarshal.Cast<byte, uint>(rgba.AsSpan());
        var alpha = BitConverter.IsLittleEndian ? 0xFF000000u : 0x000000FFu;
        for (var i = 0; i < words.Length; i++)
        {
            words[i] |= alpha;
        }
    }
}

public sealed record DecodeOutcome(RgbaImage? Image, ImageRejection? Rejection)
{
    public static DecodeOutcome Ok(RgbaImage image) => new(image, null);

    public static DecodeOutcome Fail(RejectionReason reason, string message) => new(null, new ImageRejection(reason, message));
}
