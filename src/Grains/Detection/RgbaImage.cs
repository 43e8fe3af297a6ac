namespace FaceMask.Grains.Detection;

/// <summary>An opaque 8-bit image, 4 bytes a pixel (R, G, B, 255), rows packed.</summary>
public sealed class RgbaImage(int width, int height, byte[] pixels)
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    public byte[] Pixels { get; } = pixels;

    public int RowBytes => Width * 4;
}
