using System.Buffers.Binary;
using FaceMask.Grains.Detection;

namespace FaceMask.Tests.Detection;

/// <summary>The priors must be upstream's to the last bit, or decoded boxes drift by whole pixels.</summary>
public sealed class AnchorsTests
{
    private static readonly string ReferenceFile = Path.Combine(TestPaths.Shared, "models", "anchors_260_f64.bin");

    [Fact]
    public void HasFiveThousandNineHundredSeventyTwoAnchors()
    {
        Assert.Equal(5972, Anchors.Count);
        Assert.Equal(5972 * 4, Anchors.Create().Length);
    }

    [Fact]
    public void EqualsUpstreamAnchorsBitForBit()
    {
        var bytes = File.ReadAllBytes(ReferenceFile);
        Assert.Equal(5972 * 4 * sizeof(double), bytes.Length);
        var anchors = Anchors.Create();

        for (var i = 0; i < anchors.Length; i++)
        {
            var expected = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)));
            if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(anchors[i]))
            {
                Assert.Fail($"anchor {i / 4} value {i % 4}: expected {expected:R}, created {anchors[i]:R}");
            }
        }
    }

    [Theory]
    [InlineData(0, -0.0048485, -0.0048485, 0.0351515, 0.0351515)]
    [InlineData(2, -0.0005965, -0.0102485, 0.0308995, 0.0405515)]
    [InlineData(5971, 0.6259496, 0.3395626, 1.0407170, 1.3271041)]
    public void MatchesTheCheckValuesOfTheModelNotes(int index, double x0, double y0, double x1, double y1)
    {
        var anchors = Anchors.Create();

        // The notes print seven decimals.
        const double Tolerance = 1e-7;
        Assert.Equal(x0, anchors[index * 4], Tolerance);
        Assert.Equal(y0, anchors[(index * 4) + 1], Tolerance);
        Assert.Equal(x1, anchors[(index * 4) + 2], Tolerance);
        Assert.Equal(y1, anchors[(index * 4) + 3], Tolerance);
    }
}
