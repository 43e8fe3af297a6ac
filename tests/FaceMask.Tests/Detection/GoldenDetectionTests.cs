using FaceMask.Grains.Detection;

namespace FaceMask.Tests.Detection;

/// <summary>The C# pipeline must reproduce what the original PyTorch pipeline found.</summary>
public sealed class GoldenDetectionTests(DetectorFixture fixture) : IClassFixture<DetectorFixture>
{
    public static TheoryData<string> SampleFiles() => new(ReferenceDetections.Samples().Keys.Order());

    public static TheoryData<string> FixtureFiles() => new(ReferenceDetections.Fixtures().Keys.Order());

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void ReproducesReferenceDetectionsOnModelSamples(string file) =>
        AssertMatches(Path.Combine(TestPaths.Samples, file), ReferenceDetections.Samples()[file]);

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void ReproducesReferenceDetectionsOnLabelledFixtures(string file) =>
        AssertMatches(Path.Combine(TestPaths.Fixtures, "images", file), ReferenceDetections.Fixtures()[file]);

    [Fact]
    public void FindsOneMaskedFaceInDemo2()
    {
        var outcome = fixture.Detector.Detect(File.ReadAllBytes(Path.Combine(TestPaths.Samples, "demo2.jpg")), annotate: false);

        var face = Assert.Single(outcome.Detections);
        Assert.Equal(FaceLabel.Mask, face.Label);
        Assert.InRange(face.XMin, 220, 224);
        Assert.InRange(face.YMin, 47, 51);
        Assert.InRange(face.XMax, 325, 329);
        Assert.InRange(face.YMax, 196, 200);
    }

    private void AssertMatches(string path, ReferenceFace[] expected)
    {
        var outcome = fixture.Detector.Detect(File.ReadAllBytes(path), annotate: false);
        Assert.Null(outcome.Rejection);
        var actual = outcome.Detections;

        var report = string.Join("; ", actual.Select(d => $"{d.Label} {d.Score:0.0000} [{d.XMin},{d.YMin},{d.XMax},{d.YMax}]"));
        Assert.True(expected.Length == actual.Count, $"expected {expected.Length} faces, found {actual.Count}: {report}");
        // Both lists are in descending score order; pair each reference face with the closest found one
        // so that two faces of near-equal score may swap places.
        var unmatched = actual.ToList();
        foreach (var face in expected)
        {
            var match = unmatched.MinBy(d => BoxDistance(d, face.Box))!;
            unmatched.Remove(match);
            Assert.True(face.Label == match.Label, $"label {match.Label} for reference {face.Label} at [{string.Join(",", face.Box)}]: {report}");
            Assert.True(BoxDistance(match, face.Box) <= 2, $"box [{match.XMin},{match.YMin},{match.XMax},{match.YMax}] vs [{string.Join(",", face.Box)}]: {report}");
            Assert.True(Math.Abs(match.Score - face.Score) <= 0.01, $"score {match.Score} vs {face.Score}: {report}");
        }
    }

    private static int BoxDistance(Grains.Detection.Detection d, int[] box) =>
        new[] { d.XMin - box[0], d.YMin - box[1], d.XMax - box[2], d.YMax - box[3] }.Max(Math.Abs);
}
