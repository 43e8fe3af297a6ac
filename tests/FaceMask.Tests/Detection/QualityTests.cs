using FaceMask.Grains.Detection;

namespace FaceMask.Tests.Detection;

/// <summary>
/// Detection quality on the 24 labelled fixtures must equal the original pipeline's (fixtures README),
/// and the scorer that says so is itself checked on cases worked out by hand.
/// </summary>
public sealed class QualityTests(DetectorFixture fixture, ITestOutputHelper output) : IClassFixture<DetectorFixture>
{
    private const double ModelTolerance = 0.01;

    // The README prints four decimals; its own detections must land on them after rounding.
    private const double TableRounding = 0.00005 + 1e-9;

    [Theory]
    [InlineData(0, 109, 0.5219, 0.4890, 0.5055, 0.6294)]
    [InlineData(20, 93, 0.6089, 0.5397, 0.5743, 0.7054)]
    public void MatchesTheOriginalPipelinesApOnLabelledFixtures(
        int minFaceSide, int faces, double apMask, double apNoMask, double map, double faceAp)
    {
        var images = LoadAnnotations().Select(truth =>
        {
            var bytes = File.ReadAllBytes(Path.Combine(TestPaths.Fixtures, "images", truth.FileName));
            var outcome = fixture.Detector.Detect(bytes, annotate: false);
            Assert.Null(outcome.Rejection);
            var found = outcome.Detections
                .Select(d => new ScoredFace(d.Label, d.Score, new Box(d.XMin, d.YMin, d.XMax, d.YMax)))
                .ToList();
            return new EvaluatedImage(truth, found);
        }).ToList();

        var scores = VocEvaluator.Score(images, minFaceSide);
        output.WriteLine($"min face side {minFaceSide} px: {scores}");

        Assert.Equal(faces, scores.FacesCounted);
        AssertNear(apMask, scores.MaskAp, ModelTolerance, "AP Mask", scores);
        AssertNear(apNoMask, scores.NoMaskAp, ModelTolerance, "AP NoMask", scores);
        AssertNear(map, scores.MeanAp, ModelTolerance, "mAP", scores);
        AssertNear(faceAp, scores.FaceAp, ModelTolerance, "face AP", scores);
    }

    [Theory]
    [InlineData(0, 109, 0.5219, 0.4890, 0.5055, 0.6294)]
    [InlineData(20, 93, 0.6089, 0.5397, 0.5743, 0.7054)]
    public void ScorerReproducesTheReadmeTableFromTheReferenceDetections(
        int minFaceSide, int faces, double apMask, double apNoMask, double map, double faceAp)
    {
        var reference = ReferenceDetections.Fixtures();
        var images = LoadAnnotations().Select(truth => new EvaluatedImage(
            truth,
            reference[truth.FileName]
                .Select(f => new ScoredFace(f.Label, f.Score, new Box(f.Box[0], f.Box[1], f.Box[2], f.Box[3])))
                .ToList())).ToList();

        var scores = VocEvaluator.Score(images, minFaceSide);
        output.WriteLine($"reference detections, min face side {minFaceSide} px: {scores}");

        Assert.Equal(faces, scores.FacesCounted);
        AssertNear(apMask, scores.MaskAp, TableRounding, "AP Mask", scores);
        AssertNear(apNoMask, scores.NoMaskAp, TableRounding, "AP NoMask", scores);
        AssertNear(map, scores.MeanAp, TableRounding, "mAP", scores);
        AssertNear(faceAp, scores.FaceAp, TableRounding, "face AP", scores);
    }

    [Fact]
    public void ScoresTwoHitsAroundAFalseAlarmAsFiveSixths()
    {
        // Ranked TP, FP, TP over 2 faces: recall 1/2 at precision 1, then 1 at precision 2/3.
        var truths = new[] { Truth(0, 0, 10, 10), Truth(20, 0, 30, 10) };
        var found = new[] { Found(0.9, 0, 0, 10, 10), Found(0.8, 50, 50, 60, 60), Found(0.7, 20, 0, 30, 10) };

        Assert.Equal(5.0 / 6.0, VocEvaluator.AveragePrecision([(truths, found)]), 12);
    }

    [Fact]
    public void CountsASecondDetectionOfTheSameFaceAsAFalseAlarm()
    {
        var truths = new[] { Truth(0, 0, 10, 10), Truth(20, 0, 30, 10) };
        var found = new[] { Found(0.9, 0, 0, 10, 10), Found(0.8, 0, 1, 10, 11), Found(0.7, 20, 0, 30, 10) };

        Assert.Equal(5.0 / 6.0, VocEvaluator.AveragePrecision([(truths, found)]), 12);
    }

    [Fact]
    public void DoesNotFallBackToTheNextBestFaceWhenTheBestIsTaken()
    {
        // The second detection overlaps A (IoU 0.905) more than B (IoU 0.739); A is taken, so VOC
        // calls it a false alarm rather than giving it B.
        var truths = new[] { Truth(0, 0, 10, 10), Truth(0, 2, 10, 12) };
        var found = new[] { Found(0.9, 0, 0, 10, 10), Found(0.8, 0, 0.5, 10, 10.5) };

        Assert.Equal(0.5, VocEvaluator.AveragePrecision([(truths, found)]), 12);
    }

    [Fact]
    public void RequiresAnIouOfAtLeastOneHalf()
    {
        // [0,0,10,10] vs [0,0,10,20] overlap exactly 0.5; [0,0,10,10] vs [0,0,10,21] falls just short.
        var truths = new[] { Truth(0, 0, 10, 10) };

        Assert.Equal(1.0, VocEvaluator.AveragePrecision([(truths, new[] { Found(0.9, 0, 0, 10, 20) })]), 12);
        Assert.Equal(0.0, VocEvaluator.AveragePrecision([(truths, new[] { Found(0.9, 0, 0, 10, 21) })]), 12);
    }

    [Fact]
    public void IgnoresFacesBelowTheMinimumSideWithoutBlamingTheirDetections()
    {
        // A 40 px face and an 8 px face; ranked: small face found, false alarm, large face found.
        var image = Image(
            [new GroundTruth(FaceLabel.Mask, new Box(0, 0, 40, 40)), new GroundTruth(FaceLabel.Mask, new Box(100, 100, 108, 108))],
            [
                new ScoredFace(FaceLabel.Mask, 0.9, new Box(100, 100, 108, 108)),
                new ScoredFace(FaceLabel.Mask, 0.6, new Box(200, 0, 240, 40)),
                new ScoredFace(FaceLabel.Mask, 0.5, new Box(0, 0, 40, 40)),
            ]);

        var all = VocEvaluator.Score([image], minFaceSide: 0);
        var large = VocEvaluator.Score([image], minFaceSide: 20);

        Assert.Equal(2, all.FacesCounted);
        Assert.Equal(5.0 / 6.0, all.MaskAp, 12);
        // The small-face hit vanishes from the ranking: FP then TP over 1 face.
        Assert.Equal(1, large.FacesCounted);
        Assert.Equal(0.5, large.MaskAp, 12);
    }

    [Fact]
    public void ScoresEachClassOnlyAgainstFacesOfThatClassButFaceApIgnoresLabels()
    {
        var image = Image(
            [new GroundTruth(FaceLabel.Mask, new Box(0, 0, 40, 40)), new GroundTruth(FaceLabel.NoMask, new Box(100, 0, 140, 40))],
            [
                new ScoredFace(FaceLabel.NoMask, 0.9, new Box(0, 0, 40, 40)),
                new ScoredFace(FaceLabel.NoMask, 0.8, new Box(100, 0, 140, 40)),
            ]);

        var scores = VocEvaluator.Score([image]);

        Assert.Equal(0.0, scores.MaskAp, 12);
        Assert.Equal(0.5, scores.NoMaskAp, 12);
        Assert.Equal(0.25, scores.MeanAp, 12);
        Assert.Equal(1.0, scores.FaceAp, 12);
    }

    [Fact]
    public void ReadsVocLabelsIntoTwoClassesAndClampsBoxesToTheImage()
    {
        var path = Path.Combine(Path.GetTempPath(), $"voc-{Guid.NewGuid():N}.xml");
        File.WriteAllText(path, """
            <annotation>
              <filename>tiny.png</filename>
              <size><width>100</width><height>50</height><depth>3</depth></size>
              <object><name>with_mask</name><bndbox><xmin>-1</xmin><ymin>2</ymin><xmax>30</xmax><ymax>51</ymax></bndbox></object>
              <object><name>without_mask</name><bndbox><xmin>40</xmin><ymin>5</ymin><xmax>60</xmax><ymax>25</ymax></bndbox></object>
              <object><name>mask_weared_incorrect</name><bndbox><xmin>70</xmin><ymin>5</ymin><xmax>101</xmax><ymax>25</ymax></bndbox></object>
            </annotation>
            """);
        try
        {
            var annotation = VocEvaluator.Load(path);

            Assert.Equal(("tiny.png", 100, 50), (annotation.FileName, annotation.Width, annotation.Height));
            Assert.Equal(
                [
                    new GroundTruth(FaceLabel.Mask, new Box(0, 2, 30, 50)),
                    new GroundTruth(FaceLabel.NoMask, new Box(40, 5, 60, 25)),
                    new GroundTruth(FaceLabel.NoMask, new Box(70, 5, 100, 25)),
                ],
                annotation.Faces);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static List<VocAnnotation> LoadAnnotations()
    {
        var annotations = Directory.GetFiles(Path.Combine(TestPaths.Fixtures, "annotations"), "*.xml")
            .Order(StringComparer.Ordinal)
            .Select(VocEvaluator.Load)
            .ToList();
        Assert.Equal(24, annotations.Count);
        return annotations;
    }

    private static void AssertNear(double expected, double actual, double tolerance, string what, VocScores scores) =>
        Assert.True(
            Math.Abs(expected - actual) <= tolerance,
            $"{what}: expected {expected:0.0000} ± {tolerance:0.#####}, measured {actual:0.0000} ({scores})");

    private static GroundTruth Truth(double x0, double y0, double x1, double y1) =>
        new(FaceLabel.Mask, new Box(x0, y0, x1, y1));

    private static ScoredFace Found(double score, double x0, double y0, double x1, double y1) =>
        new(FaceLabel.Mask, score, new Box(x0, y0, x1, y1));

    private static EvaluatedImage Image(GroundTruth[] truths, ScoredFace[] found) =>
        new(new VocAnnotation("hand-made.png", 300, 300, truths), found);
}
