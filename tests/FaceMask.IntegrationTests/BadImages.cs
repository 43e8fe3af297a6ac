using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace FaceMask.IntegrationTests;

/// <summary>Hostile or broken uploads, made from the shared sample photos.</summary>
public static class BadImages
{
    public static byte[] Demo2Jpeg => File.ReadAllBytes(Path.Combine(Processes.Shared, "models", "samples", "demo2.jpg"));

    public static byte[] TextFile => Encoding.UTF8.GetBytes("This is a text file, not a photo.\n");

    public static byte[] TruncatedJpeg => Demo2Jpeg[..(Demo2Jpeg.Length * 2 / 5)];

    public static byte[] TruncatedPng
    {
        get
        {
            var png = File.ReadAllBytes(Path.Combine(Processes.Shared, "fixtures", "images", "maksssksksss1.png"));
            return png[..(png.Length / 2)];
        }
    }

    /// <summary>A valid-looking PNG whose header declares <paramref name="width"/>×<paramref name="height"/> pixels.</summary>
    public static byte[] PngClaiming(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // RGB
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typeAndData);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32(typeAndData));
        png.Write(crc);
    }
}
