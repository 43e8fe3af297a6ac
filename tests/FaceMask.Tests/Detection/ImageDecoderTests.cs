using System.Diagnostics;
using System.Text;
using FaceMask.Grains.Detection;
using SkiaSharp;

namespace FaceMask.Tests.Detection;

/// <summary>
/// Untrusted uploads: broken files come back as a rejection with a readable message (never an
/// exception), and good files decode to exactly the pixels OpenCV's imread gave the original pipeline.
/// </summary>
public sealed class ImageDecoderTests(DetectorFixture fixture) : IClassFixture<DetectorFixture>
{
    private static readonly SKColor Red = new(220, 30, 30);
    private static readonly SKColor Blue = new(30, 30, 220);
    private static readonly SKColor Grey = new(128, 128, 128);

    // The decoder the detector really uses, with its configured pixel limit.
    private ImageDecoder Decoder => fixture.Detector.Decoder;

    private static byte[] Demo2Jpeg => File.ReadAllBytes(Path.Combine(TestPaths.Samples, "demo2.jpg"));

    private static string FixturePng(string name) => Path.Combine(TestPaths.Fixtures, "images", name);

    [Fact]
    public void RejectsTextFileNamedAsJpeg()
    {
        var text = Encoding.UTF8.GetBytes("This is not a photo, it is a shopping list: milk, eggs, bread.\n");

        AssertRejected(Decoder.Decode(text), RejectionReason.NotAnImage);
    }

    [Fact]
    public void RejectsEmptyFile() => AssertRejected(Decoder.Decode([]), RejectionReason.NotAnImage);

    [Theory]
    [InlineData(0.4)]
    [InlineData(0.8)]
    public void RejectsTruncatedJpegInsteadOfReturningBlankRows(double keptFraction)
    {
        var jpeg = Demo2Jpeg;

        AssertRejected(Decoder.Decode(jpeg.AsSpan(0, (int)(jpeg.Length * keptFraction))), RejectionReason.NotAnImage);
    }

    [Fact]
    public void RejectsJpegCutInsideItsHeader()
    {
        AssertRejected(Decoder.Decode(Demo2Jpeg.AsSpan(0, 300)), RejectionReason.NotAnImage);
    }

    [Theory]
    [InlineData("maksssksksss495.png")]
    [InlineData("maksssksksss0.png")]
    public void RejectsTruncatedPng(string name)
    {
        var png = File.ReadAllBytes(FixturePng(name));

        AssertRejected(Decoder.Decode(png.AsSpan(0, png.Length / 2)), RejectionReason.NotAnImage);
    }

    [Fact]
    public void RejectsPngWhoseHeaderClaimsNineHundredMegapixels()
    {
        var png = TestImages.Png(30_000, 30_000, bitDepth: 8, colorType: 2, new byte[1 + 64]);
        Assert.True(png.Length < 200, "the bomb must be small for the test to mean anything");
        // Warm up so the one-off cost of loading Skia's codecs is not counted below.
        Decoder.Decode(png);

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        var outcome = Decoder.Decode(png);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        var rejection = AssertRejected(outcome, RejectionReason.TooManyPixels);
        Assert.Contains("30000x30000", rejection.Message, StringComparison.Ordinal);
        Assert.True(allocated < 50_000_000, $"allocated {allocated:N0} bytes before rejecting");
        // A generous bound for a shared 2-core machine; decoding 3.6 GB of pixels would take far longer.
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed.TotalMilliseconds:0} ms to reject");
    }

    [Fact]
    public void DetectorReportsRejectionWithoutDetectionsForBrokenUpload()
    {
        var outcome = fixture.Detector.Detect(Encoding.UTF8.GetBytes("<html>not an image</html>"), annotate: true);

        Assert.Null(outcome.Image);
        Assert.Empty(outcome.Detections);
        Assert.Null(outcome.AnnotatedJpeg);
        Assert.NotNull(outcome.Rejection);
        Assert.Equal(RejectionReason.NotAnImage, outcome.Rejection.Reason);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Rejection.Message));
    }

    [Fact]
    public void KeepsTheHighByteOfSixteenBitSamplesAndDropsAlpha()
    {
        // First pixel of this fixture: R=0x5375 G=0x5109 B=0x5721 A=0x6660. Rounding v/257 would give
        // 0x53, 0x51, 0x57 too, so the whole-image comparison below is what tells the two apart.
        var image = DecodeOk(File.ReadAllBytes(FixturePng("maksssksksss495.png")));

        Assert.Equal(new byte[] { 0x53, 0x51, 0x57, 255 }, image.Pixels.AsSpan(0, 4).ToArray());
    }

    [Theory]
    [InlineData("maksssksksss495.png")]
    [InlineData("maksssksksss1.png")]
    [InlineData("maksssksksss693.png")]
    [InlineData("maksssksksss0.png")]
    public void DecodesFixturePngToTheSamePixelsAsOpenCv(string name)
    {
        var bytes = File.ReadAllBytes(FixturePng(name));
        var (width, height, expected) = TestImages.ReadPngLikeOpenCv(bytes);

        var image = DecodeOk(bytes);

        Assert.Equal((width, height), (image.Width, image.Height));
        var firstDifference = expected.AsSpan().CommonPrefixLength(image.Pixels);
        Assert.True(
            firstDifference == expected.Length,
            firstDifference == expected.Length
                ? string.Empty
                : $"pixel {firstDifference / 4 % width},{firstDifference / 4 / width} channel {firstDifference % 4}: " +
                  $"expected {expected[firstDifference]}, decoded {image.Pixels[firstDifference]}");
    }

    [Fact]
    public void KeepsTheUnblendedColourOfTranslucentEightBitPngPixels()
    {
        byte[] rgba =
        [
            200, 100, 50, 128,   10, 20, 30, 0,
            255, 255, 255, 1,    90, 180, 45, 255,
        ];
        using var bitmap = new SKBitmap(new SKImageInfo(2, 2, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        rgba.CopyTo(bitmap.GetPixelSpan());
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var png = encoded.ToArray();
        // The test means nothing if the encoder premultiplied: check the file holds the colours as given.
        Assert.Equal(
            new byte[] { 200, 100, 50, 255, 10, 20, 30, 255, 255, 255, 255, 255, 90, 180, 45, 255 },
            TestImages.ReadPngLikeOpenCv(png).Rgba);

        var image = DecodeOk(png);

        Assert.Equal(
            new byte[] { 200, 100, 50, 255, 10, 20, 30, 255, 255, 255, 255, 255, 90, 180, 45, 255 },
            image.Pixels);
    }

    [Fact]
    public void DecodesTheFirstFrameOfAnAnimatedGif()
    {
        SKColor[] palette = [SKColors.Black, new SKColor(255, 0, 0), new SKColor(0, 255, 0), new SKColor(0, 0, 255)];
        // Frame 1: left half red, right half green, one black pixel at (1, 6). Frame 2: all blue.
        var first = new byte[8 * 8];
        for (var i = 0; i < first.Length; i++)
        {
            first[i] = (byte)(i % 8 < 4 ? 1 : 2);
        }

        first[(6 * 8) + 1] = 0;
        var second = Enumerable.Repeat((byte)3, 8 * 8).ToArray();

        var image = DecodeOk(TestImages.Gif(8, 8, palette, first, second));

        Assert.Equal((8, 8), (image.Width, image.Height));
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                var expected = palette[first[(y * 8) + x]];
                Assert.True(
                    PixelAt(image, x, y) == (expected.Red, expected.Green, expected.Blue),
                    $"pixel {x},{y} is {PixelAt(image, x, y)}, expected {expected}");
            }
        }
    }

    [Fact]
    public void LeavesJpegWithoutExifOrientationAsStored()
    {
        var image = DecodeOk(TestImages.JpegWithBlocks(64, 32, (0, 0, Red), (3, 0, Blue)));

        Assert.Equal((64, 32), (image.Width, image.Height));
        AssertCorners(image, topLeft: Red, topRight: Blue, bottomRight: Grey, bottomLeft: Grey);
    }

    [Theory]
    // Stored 64×32: red block top-left, blue block top-right. Displayed per EXIF:
    [InlineData(3, 64, 32, "grey", "grey", "red", "blue")] // rotate 180°
    [InlineData(6, 32, 64, "grey", "red", "blue", "grey")] // rotate 90° clockwise
    [InlineData(8, 32, 64, "blue", "grey", "grey", "red")] // rotate 90° counter-clockwise
    public void AppliesExifOrientationOfJpeg(
        ushort orientation, int width, int height, string topLeft, string topRight, string bottomRight, string bottomLeft)
    {
        var jpeg = TestImages.WithExifOrientation(TestImages.JpegWithBlocks(64, 32, (0, 0, Red), (3, 0, Blue)), orientation);

        var image = DecodeOk(jpeg);

        Assert.Equal((width, height), (image.Width, image.Height));
        AssertCorners(image, Named(topLeft), Named(topRight), Named(bottomRight), Named(bottomLeft));
    }

    private RgbaImage DecodeOk(ReadOnlySpan<byte> bytes)
    {
        var outcome = Decoder.Decode(bytes);
        Assert.True(outcome.Rejection is null, $"rejected: {outcome.Rejection}");
        Assert.NotNull(outcome.Image);
        Assert.Equal(outcome.Image.Width * outcome.Image.Height * 4, outcome.Image.Pixels.Length);
        return outcome.Image;
    }

    private static ImageRejection AssertRejected(DecodeOutcome outcome, RejectionReason reason)
    {
        Assert.Null(outcome.Image);
        Assert.NotNull(outcome.Rejection);
        Assert.Equal(reason, outcome.Rejection.Reason);
        // Shown to the uploader: a sentence, not an enum name or an empty string.
        var message = outcome.Rejection.Message;
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.Contains(' ', message);
        Assert.NotEqual(reason.ToString(), message);
        return outcome.Rejection;
    }

    private static SKColor Named(string name) => name switch
    {
        "red" => Red,
        "blue" => Blue,
        "grey" => Grey,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such test colour"),
    };

    /// <summary>Checks the centre of the 16×16 block in each corner; JPEG is lossy, so only roughly.</summary>
    private static void AssertCorners(RgbaImage image, SKColor topLeft, SKColor topRight, SKColor bottomRight, SKColor bottomLeft)
    {
        int right = image.Width - 9, bottom = image.Height - 9;
        AssertColourNear(topLeft, image, 8, 8, "top-left");
        AssertColourNear(topRight, image, right, 8, "top-right");
        AssertColourNear(bottomRight, image, right, bottom, "bottom-right");
        AssertColourNear(bottomLeft, image, 8, bottom, "bottom-left");
    }

    private static void AssertColourNear(SKColor expected, RgbaImage image, int x, int y, string corner)
    {
        var (r, g, b) = PixelAt(image, x, y);
        var distance = Math.Max(Math.Abs(r - expected.Red), Math.Max(Math.Abs(g - expected.Green), Math.Abs(b - expected.Blue)));
        Assert.True(distance <= 24, $"{corner} pixel ({x},{y}) is ({r},{g},{b}), expected about {expected}");
    }

    private static (byte R, byte G, byte B) PixelAt(RgbaImage image, int x, int y)
    {
        var i = ((y * image.Width) + x) * 4;
        Assert.Equal(255, image.Pixels[i + 3]);
        return (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
    }
}
