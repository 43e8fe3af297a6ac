using System.Buffers.Binary;
using System.IO.Compression;

namespace FaceMask.Benchmarks;

/// <summary>Just enough PNG reading to inflate the concatenated IDAT chunks.</summary>
public static class PngData
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Bytes of filtered scanlines in <paramref name="png"/>; 0 for anything but a PNG.</summary>
    public static long InflatedLength(byte[] png, byte[] buffer)
    {
        if (!png.AsSpan().StartsWith(Signature))
        {
            return 0;
        }

        using var compressed = new MemoryStream();
        var at = Signature.Length;
        while (at + 8 <= png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = png.AsSpan(at + 4, 4);
            if (type.SequenceEqual("IDAT"u8))
            {
                compressed.Write(png, at + 8, length);
            }

            at += 12 + length;
        }

        compressed.Position = 0;
        using var inflater = new ZLibStream(compressed, CompressionMode.Decompress);
        long total = 0;
        int read;
        while ((read = inflater.Read(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }
}
