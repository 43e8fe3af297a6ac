using FaceMask.Grains.Detection;

namespace FaceMask.Tests.Detection;

/// <summary>The resize must be OpenCV's INTER_LINEAR and the tensor the model's NCHW R,G,B in [0, 1].</summary>
public sealed class PreprocessorTests
{
    private const int Size = Anchors.InputSize;

    [Fact]
    public void PlacesEachTargetPixelCentreOnTheSourceGridLikeOpenCv()
    {
        // demo2.jpg is 464 wide: a 1.78× shrink.
        var (offsets, weights) = Preprocessor.Weights(464, Size);

        Assert.Equal(Size, offsets.Length);
        Assert.Equal(Size * 2, weights.Length);
        for (var d = 0; d < Size; d++)
        {
            var source = ((d + 0.5) * 464 / Size) - 0.5;
            var floor = (int)Math.Floor(source);
            Assert.Equal(floor, offsets[d]);
            Assert.Equal(2048, weights[d * 2] + weights[(d * 2) + 1]);
            // 11-bit fixed point of the fractional part; float rounding may move it by one step.
            Assert.InRange(weights[(d * 2) + 1], ((source - floor) * 2048) - 1, ((source - floor) * 2048) + 1);
        }

        // Worked by hand: d = 0 samples 0.3923 (weights 1 − 0.3923, 0.3923); d = 259 samples 462.6077.
        Assert.Equal((0, 1245, 803), (offsets[0], weights[0], weights[1]));
        Assert.Equal((462, 803, 1245), (offsets[259], weights[518], weights[519]));
    }

    [Fact]
    public void ClampsToTheEdgePixelsWhenUpscaling()
    {
        // 100 → 260: target 0 maps to −0.31 and target 259 to 99.31, both outside the pixel centres.
        var (offsets, weights) = Preprocessor.Weights(100, Size);

        Assert.Equal((0, 2048, 0), (offsets[0], weights[0], weights[1]));
        Assert.Equal((99, 2048, 0), (offsets[259], weights[518], weights[519]));
        Assert.All(offsets, o => Assert.InRange(o, 0, 99));
    }

    [Fact]
    public void MapsTheSameSizeOntoItselfWithWholeWeights()
    {
        var (offsets, weights) = Preprocessor.Weights(Size, Size);

        Assert.Equal(Enumerable.Range(0, Size), offsets);
        Assert.All(Enumerable.Range(0, Size), d => Assert.Equal((2048, 0), (weights[d * 2], weights[(d * 2) + 1])));
    }

    [Theory]
    [InlineData(464, 330)]
    [InlineData(100, 80)]
    [InlineData(1, 1)]
    public void TurnsUniformImageIntoUniformPlanesOfValueOver255(int width, int height)
    {
        var image = Uniform(width, height, 10, 128, 250);
        var tensor = new float[3 * Size * Size];

        Preprocessor.Fill(image, Size, tensor);

        var plane = Size * Size;
        Assert.All(tensor.AsSpan(0, plane).ToArray(), v => Assert.Equal(10 / 255f, v, 1e-6f));
        Assert.All(tensor.AsSpan(plane, plane).ToArray(), v => Assert.Equal(128 / 255f, v, 1e-6f));
        Assert.All(tensor.AsSpan(2 * plane, plane).ToArray(), v => Assert.Equal(250 / 255f, v, 1e-6f));
    }

    [Fact]
    public void LaysOutRedGreenBluePlanesRowByRow()
    {
        // At the model's own size the resize is the identity, so every value can be predicted exactly.
        var random = new Random(260);
        var pixels = new byte[Size * Size * 4];
        random.NextBytes(pixels);
        for (var i = 3; i < pixels.Length; i += 4)
        {
            pixels[i] = 255;
        }

        var image = new RgbaImage(Size, Size, pixels);
        var tensor = new float[3 * Size * Size];

        Preprocessor.Fill(image, Size, tensor);

        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var expected = pixels[(((y * Size) + x) * 4) + c] / 255f;
                    var actual = tensor[(c * Size * Size) + (y * Size) + x];
                    if (Math.Abs(expected - actual) > 1e-6f)
                    {
                        Assert.Fail($"channel {c} at {x},{y}: expected {expected}, tensor has {actual}");
                    }
                }
            }
        }
    }

    [Fact]
    public void RejectsTensorOfTheWrongLength()
    {
        var image = Uniform(10, 10, 1, 2, 3);

        Assert.Throws<ArgumentException>(() => Preprocessor.Fill(image, Size, new float[3 * Size * Size - 1]));
    }

    private static RgbaImage Uniform(int width, int height, byte r, byte g, byte b)
    {
        var pixels = new byte[width * height * 4];
        for (var i = 0; i < pixels.Length; i += 4)
        {
            (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]) = (r, g, b, 255);
        }

        return new RgbaImage(width, height, pixels);
    }
}
