using System.Globalization;
using SkiaSharp;

namespace FaceMask.Grains.Detection;

/// <summary>Draws green (Mask) and red (NoMask) boxes with label and confidence, and encodes a JPEG.</summary>
public sealed class Annotator : IDisposable
{
    private static readonly SKColor MaskColor = new(0, 200, 0);
    private static readonly SKColor NoMaskColor = new(220, 0, 0);

    private readonly SKTypeface _typeface;

    public Annotator()
    {
        // Shipped with the assembly: without system fonts Skia draws text as nothing, silently.
        using var font = typeof(Annotator).Assembly.GetManifestResourceStream("FaceMask.Fonts.DejaVuSans.ttf")
            ?? throw new InvalidOperationException("The embedded label font is missing from the build.");
        _typeface = SKTypeface.FromStream(font)
            ?? throw new InvalidOperationException("The embedded label font could not be loaded.");
    }

    /// <summary>The annotated JPEG and, when <paramref name="thumbnailSize"/> is above zero, a thumbnail of it.</summary>
    public (byte[] Jpeg, byte[]? Thumbnail) Annotate(
        RgbaImage image, IReadOnlyList<Detection> detections, int jpegQuality, int thumbnailSize = 0)
    {
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap();
        // Drawn on a copy: the caller's image stays as decoded.
        var canvasPixels = GC.AllocateUninitializedArray<byte>(image.Pixels.Length);
        image.Pixels.CopyTo(canvasPixels, 0);
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(canvasPixels, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            bitmap.InstallPixels(info, handle.AddrOfPinnedObject(), info.RowBytes);
            Draw(bitmap, detections);
            using var skImage = SKImage.FromBitmap(bitmap);
            using var jpeg = skImage.Encode(SKEncodedImageFormat.Jpeg, jpegQuality);
            return (jpeg.ToArray(), thumbnailSize > 0 ? Thumbnail(skImage, thumbnailSize) : null);
        }
        finally
        {
            handle.Free();
        }
    }

    private static byte[] Thumbnail(SKImage image, int maxSide)
    {
        var scale = Math.Min(1f, (float)maxSide / Math.Max(image.Width, image.Height));
        var width = Math.Max(1, (int)MathF.Round(image.Width * scale));
        var height = Math.Max(1, (int)MathF.Round(image.Height * scale));
        using var thumb = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        // Mipmaps keep a large shrink from aliasing.
        using (var canvas = new SKCanvas(thumb))
        {
            canvas.DrawImage(
                image,
                SKRect.Create(width, height),
                new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        using var encoded = thumb.Encode(SKEncodedImageFormat.Jpeg, 80);
        return encoded.ToArray();
    }

    private void Draw(SKBitmap bitmap, IReadOnlyList<Detection> detections)
    {
        using var canvas = new SKCanvas(bitmap);
        var shortSide = Math.Min(bitmap.Width, bitmap.Height);
        var stroke = Math.Max(2f, shortSide / 200f);
        using var font = new SKFont(_typeface, Math.Max(12f, shortSide / 28f));
        using var boxPaint = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = stroke, IsAntialias = true };
        using var fillPaint = new SKPaint { Style = SKPaintStyle.Fill };
        using var textPaint = new SKPaint { Color = SKColors.White, IsAntialias = true };

        foreach (var d in detections)
        {
            var color = d.Label == FaceLabel.Mask ? MaskColor : NoMaskColor;
            boxPaint.Color = color;
            fillPaint.Color = color;
            canvas.DrawRect(SKRect.Create(d.XMin, d.YMin, d.XMax - d.XMin, d.YMax - d.YMin), boxPaint);

            var label = $"{d.Label} {d.Score.ToString("0.00", CultureInfo.InvariantCulture)}";
            var textWidth = font.MeasureText(label);
            var textHeight = font.Size * 1.2f;
            // Above the box when there is room, otherwise inside its top edge.
            var top = d.YMin - textHeight >= 0 ? d.YMin - textHeight : d.YMin;
            var left = Math.Clamp(d.XMin - (stroke / 2), 0, Math.Max(0, bitmap.Width - textWidth - 4));
            canvas.DrawRect(SKRect.Create(left, top, textWidth + 4, textHeight), fillPaint);
            canvas.DrawText(label, left + 2, top + font.Size, SKTextAlign.Left, font, textPaint);
        }

        canvas.Flush();
    }

    public void Dispose() => _typeface.Dispose();
}
