using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace FaceMask.Tests.Detection;

/// <summary>
/// Image files built byte by byte (PNG, GIF, EXIF-tagged JPEG) and a small independent PNG reader, so
/// decoder tests need no binary fixtures and do not trust the decoder under test to check itself.
/// </summary>
public static class TestImages
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>A non-interlaced PNG whose IDAT holds <paramref name="scanlines"/> (filter bytes included), compressed.</summary>
    public static byte[] Png(int width, int height, byte bitDepth, byte colorType, ReadOnlySpan<byte> scanlines)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = bitDepth;
        header[9] = colorType;

        using var png = new MemoryStream();
        png.Write(PngSignature);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", Deflate(scanlines));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    /// <summary>
    /// Reads an 8- or 16-bit RGB/RGBA non-interlaced PNG the way OpenCV's imread does: 16-bit samples
    /// keep their high byte, alpha is replaced by 255 (dropped, never blended).
    /// </summary>
    public static (int Width, int Height, byte[] Rgba) ReadPngLikeOpenCv(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(PngSignature), "not a PNG");
        int width = 0, height = 0, bitDepth = 0, colorType = 0;
        using var compressed = new MemoryStream();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                bitDepth = data[8];
                colorType = data[9];
                Assert.Equal(0, data[12]);
            }
            else if (type == "IDAT")
            {
                compressed.Write(data);
            }

            at += 12 + length;
        }

        Assert.True(bitDepth is 8 or 16 && colorType is 2 or 6, $"reader handles 8/16-bit RGB(A) only, not depth {bitDepth} type {colorType}");
        var channels = colorType == 6 ? 4 : 3;
        var bytesPerSample = bitDepth / 8;
        var pixelBytes = channels * bytesPerSample;
        var rowBytes = width * pixelBytes;

        compressed.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        var raw = inflated.ToArray();
        Assert.Equal((rowBytes + 1) * height, raw.Length);
        var rgba = new byte[width * height * 4];
        var previous = new byte[rowBytes];
        var row = new byte[rowBytes];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (rowBytes + 1)];
            raw.AsSpan((y * (rowBytes + 1)) + 1, rowBytes).CopyTo(row);
            Unfilter(filter, row, previous, pixelBytes);
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    // Big-endian samples: the first byte of a 16-bit sample is its high byte.
                    rgba[(((y * width) + x) * 4) + c] = row[(x * pixelBytes) + (c * bytesPerSample)];
                }

                rgba[(((y * width) + x) * 4) + 3] = 255;
            }

            (previous, row) = (row, previous);
        }

        return (width, height, rgba);
    }

    /// <summary>
    /// A GIF89a animation with a 4-colour global palette; each frame is a full-size array of palette indices.
    /// </summary>
    public static byte[] Gif(int width, int height, SKColor[] palette, params byte[][] frames)
    {
        Assert.Equal(4, palette.Length);
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        WriteLittleEndian16(gif, width);
        WriteLittleEndian16(gif, height);
        // Global colour table present, 2 bits of colour resolution, 2^(1+1) = 4 entries.
        gif.WriteByte(0x80 | (1 << 4) | 1);
        gif.WriteByte(0);
        gif.WriteByte(0);
        foreach (var colour in palette)
        {
            gif.WriteByte(colour.Red);
            gif.WriteByte(colour.Green);
            gif.WriteByte(colour.Blue);
        }

        foreach (var frame in frames)
        {
            Assert.Equal(width * height, frame.Length);
            // Graphic control: "do not dispose", 0.1 s delay, no transparency.
            gif.Write([0x21, 0xF9, 0x04, 1 << 2, 10, 0, 0, 0]);
            gif.WriteByte(0x2C);
            WriteLittleEndian16(gif, 0);
            WriteLittleEndian16(gif, 0);
            WriteLittleEndian16(gif, width);
            WriteLittleEndian16(gif, height);
            gif.WriteByte(0);
            WriteUncompressedLzw(gif, frame);
        }

        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    /// <summary>Inserts an EXIF APP1 segment holding only an Orientation tag right after the JPEG's SOI.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        Assert.True(jpeg is [0xFF, 0xD8, ..], "not a JPEG");
        // Big-endian TIFF header, IFD0 at offset 8 with one SHORT entry (tag 0x0112), no next IFD.
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
            0x00, 0x01,
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, (byte)(orientation >> 8), (byte)orientation, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ];
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var segmentLength = payload.Length + 2;
        return [0xFF, 0xD8, 0xFF, 0xE1, (byte)(segmentLength >> 8), (byte)segmentLength, .. payload, .. jpeg.AsSpan(2)];
    }

    /// <summary>A grey image with solid 16×16 blocks (aligned to JPEG's 16-pixel MCUs) at the given cells.</summary>
    public static byte[] JpegWithBlocks(int width, int height, params (int CellX, int CellY, SKColor Colour)[] blocks)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(128, 128, 128));
            using var paint = new SKPaint { Style = SKPaintStyle.Fill };
            foreach (var (cellX, cellY, colour) in blocks)
            {
                paint.Color = colour;
                canvas.DrawRect(SKRect.Create(cellX * 16, cellY * 16, 16, 16), paint);
            }
        }

        using var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        return jpeg.ToArray();
    }

    private static void Unfilter(byte filter, byte[] row, byte[] previous, int pixelBytes)
    {
        for (var i = 0; i < row.Length; i++)
        {
            int left = i >= pixelBytes ? row[i - pixelBytes] : 0;
            int up = previous[i];
            int upLeft = i >= pixelBytes ? previous[i - pixelBytes] : 0;
            var predictor = filter switch
            {
                0 => 0,
                1 => left,
                2 => up,
                3 => (left + up) / 2,
                4 => Paeth(left, up, upLeft),
                _ => throw new InvalidDataException($"PNG filter type {filter} does not exist."),
            };
            row[i] = (byte)(row[i] + predictor);
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>
    /// LZW data with no compression at all: a clear code before every two literals keeps the decoder's
    /// dictionary from growing past 3-bit codes, so every code can be written with the same width.
    /// </summary>
    private static void WriteUncompressedLzw(Stream gif, byte[] indices)
    {
        const int MinimumCodeSize = 2;
        const int Clear = 1 << MinimumCodeSize;
        const int EndOfInformation = Clear + 1;
        const int CodeWidth = MinimumCodeSize + 1;

        var codes = new List<int>();
        for (var i = 0; i < indices.Length; i++)
        {
            if (i % 2 == 0)
            {
                codes.Add(Clear);
            }

            codes.Add(indices[i]);
        }

        codes.Add(EndOfInformation);

        var packed = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var code in codes)
        {
            buffer |= code << bits;
            bits += CodeWidth;
            while (bits >= 8)
            {
                packed.Add((byte)buffer);
                buffer >>= 8;
                bits -= 8;
            }
        }

        if (bits > 0)
        {
            packed.Add((byte)buffer);
        }

        gif.WriteByte(MinimumCodeSize);
        foreach (var block in packed.Chunk(255))
        {
            gif.WriteByte((byte)block.Length);
            gif.Write(block);
        }

        gif.WriteByte(0);
    }

    private static void WriteLittleEndian16(Stream stream, int value)
    {
        stream.WriteByte((byte)value);
        stream.WriteByte((byte)(value >> 8));
    }

    private static void WriteChunk(Stream png, string type, ReadOnlySpan<byte> data)
    {
        var typeAndData = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typeAndData);
        data.CopyTo(typeAndData.AsSpan(4));

        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        png.Write(word);
    }

    private static byte[] Deflate(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
