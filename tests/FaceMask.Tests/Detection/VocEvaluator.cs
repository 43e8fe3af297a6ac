using System.Globalization;
using System.Xml.Linq;
using FaceMask.Grains.Detection;

namespace FaceMask.Tests.Detection;

/// <summary>A box in pixels; areas are (x1 − x0)·(y1 − y0), without the old VOC "+1".</summary>
public readonly record struct Box(double XMin, double YMin, double XMax, double YMax)
{
    public double Width => XMax - XMin;

    public double Height => YMax - YMin;

    public double Area => Math.Max(0, Width) * Math.Max(0, Height);

    public double IoU(Box other)
    {
        var w = Math.Min(XMax, other.XMax) - Math.Max(XMin, other.XMin);
        var h = Math.Min(YMax, other.YMax) - Math.Max(YMin, other.YMin);
        if (w <= 0 || h <= 0)
        {
            return 0;
        }

        var overlap = w * h;
        return overlap / (Area + other.Area - overlap);
    }
}

/// <summary>An annotated face; Ignored faces are VOC "difficult": neither missed nor matchable for credit.</summary>
public sealed record GroundTruth(FaceLabel Label, Box Box, bool Ignored = false);

public sealed record ScoredFace(FaceLabel Label, double Score, Box Box);

/// <summary>One annotation file: the image size from &lt;size&gt; and its faces, boxes clamped to the image.</summary>
public sealed record VocAnnotation(string FileName, int Width, int Height, IReadOnlyList<GroundTruth> Faces);

/// <summary>What the detector found on one annotated image.</summary>
public sealed record EvaluatedImage(VocAnnotation Truth, IReadOnlyList<ScoredFace> Found);

public sealed record VocScores(int FacesCounted, double MaskAp, double NoMaskAp, double FaceAp)
{
    public double MeanAp => (MaskAp + NoMaskAp) / 2;

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"faces {FacesCounted}, AP Mask {MaskAp:0.0000}, AP NoMask {NoMaskAp:0.0000}, mAP {MeanAp:0.0000}, face AP {FaceAp:0.0000}");
}

/// <summary>
/// PASCAL VOC AP at IoU ≥ 0.5 with all-point interpolation, as the fixtures README defines it.
/// </summary>
public static class VocEvaluator
{
    public const double IouThreshold = 0.5;

    public static VocAnnotation Load(string xmlPath)
    {
        var root = XDocument.Load(xmlPath).Root ?? throw new InvalidDataException($"{xmlPath} is empty.");
        var size = Required(root, "size", xmlPath);
        var width = (int)Number(size, "width", xmlPath);
        var height = (int)Number(size, "height", xmlPath);
        var faces = root.Elements("object").Select(o =>
        {
            var name = ((string?)o.Element("name"))?.Trim();
            var label = name switch
            {
                "with_mask" => FaceLabel.Mask,
                "without_mask" or "mask_weared_incorrect" => FaceLabel.NoMask,
                _ => throw new InvalidDataException($"{xmlPath}: unknown face label '{name}'."),
            };
            var b = Required(o, "bndbox", xmlPath);
            // A few annotated boxes reach one pixel past the edge; the detector can never go there.
            var box = new Box(
                Math.Clamp(Number(b, "xmin", xmlPath), 0, width),
                Math.Clamp(Number(b, "ymin", xmlPath), 0, height),
                Math.Clamp(Number(b, "xmax", xmlPath), 0, width),
                Math.Clamp(Number(b, "ymax", xmlPath), 0, height));
            return new GroundTruth(label, box);
        }).ToList();
        var fileName = (string?)root.Element("filename") ?? Path.ChangeExtension(Path.GetFileName(xmlPath), ".png");
        return new VocAnnotation(fileName, width, height, faces);
    }

    /// <summary>
    /// Per-class APs (Mask; NoMask = without_mask + mask_weared_incorrect) and the label-blind face AP.
    /// Faces whose shorter side is under <paramref name="minFaceSide"/> pixels are ignored.
    /// </summary>
    public static VocScores Score(IReadOnlyList<EvaluatedImage> images, int minFaceSide = 0)
    {
        var marked = images
            .Select(i => (
                Truths: (IReadOnlyList<GroundTruth>)i.Truth.Faces
                    .Select(f => f with { Ignored = f.Ignored || Math.Min(f.Box.Width, f.Box.Height) < minFaceSide })
                    .ToList(),
                i.Found))
            .ToList();

        double ForLabel(FaceLabel label) => AveragePrecision(marked
            .Select(m => (
                (IReadOnlyList<GroundTruth>)m.Truths.Where(t => t.Label == label).ToList(),
                (IReadOnlyList<ScoredFace>)m.Found.Where(f => f.Label == label).ToList()))
            .ToList());

        return new VocScores(
            marked.Sum(m => m.Truths.Count(t => !t.Ignored)),
            ForLabel(FaceLabel.Mask),
            ForLabel(FaceLabel.NoMask),
            AveragePrecision(marked));
    }

    /// <summary>
    /// AP of one class over many images; labels are not looked at, so the caller filters by class (or
    /// not at all, for the label-blind face AP).
    /// </summary>
    public static double AveragePrecision(
        IReadOnlyList<(IReadOnlyList<GroundTruth> Truths, IReadOnlyList<ScoredFace> Found)> images)
    {
        var positives = images.Sum(i => i.Truths.Count(t => !t.Ignored));
        if (positives == 0)
        {
            return 0;
        }

        var matched = images.Select(i => new bool[i.Truths.Count]).ToArray();
        // OrderByDescending is stable, so equal scores keep image order: the result is deterministic.
        var ranked = images
            .SelectMany((image, index) => image.Found.Select(found => (Image: index, Found: found)))
            .OrderByDescending(d => d.Found.Score);

        var hits = new List<bool>();
        foreach (var (imageIndex, found) in ranked)
        {
            var truths = images[imageIndex].Truths;
            var best = -1;
            var bestIou = double.NegativeInfinity;
            for (var t = 0; t < truths.Count; t++)
            {
                var iou = found.Box.IoU(truths[t].Box);
                if (iou > bestIou)
                {
                    bestIou = iou;
                    best = t;
                }
            }

            if (best < 0 || bestIou < IouThreshold)
            {
                hits.Add(false);
            }
            else if (truths[best].Ignored)
            {
                // Finding a face too small to count is neither credit nor blame.
                continue;
            }
            else if (matched[imageIndex][best])
            {
                hits.Add(false);
            }
            else
            {
                matched[imageIndex][best] = true;
                hits.Add(true);
            }
        }

        return AllPointInterpolatedArea(hits, positives);
    }

    /// <summary>Area under the precision envelope (precision made non-increasing in recall).</summary>
    public static double AllPointInterpolatedArea(IReadOnlyList<bool> rankedHits, int positives)
    {
        var n = rankedHits.Count;
        var recall = new double[n + 2];
        var precision = new double[n + 2];
        int tp = 0, fp = 0;
        for (var i = 0; i < n; i++)
        {
            if (rankedHits[i])
            {
                tp++;
            }
            else
            {
                fp++;
            }

            recall[i + 1] = (double)tp / positives;
            precision[i + 1] = (double)tp / (tp + fp);
        }

        recall[n + 1] = 1;
        precision[n + 1] = 0;
        for (var i = n; i >= 0; i--)
        {
            precision[i] = Math.Max(precision[i], precision[i + 1]);
        }

        var ap = 0.0;
        for (var i = 0; i <= n; i++)
        {
            ap += (recall[i + 1] - recall[i]) * precision[i + 1];
        }

        return ap;
    }

    private static XElement Required(XElement parent, string name, string path) =>
        parent.Element(name) ?? throw new InvalidDataException($"{path}: <{parent.Name}> has no <{name}>.");

    private static double Number(XElement parent, string name, string path) =>
        double.Parse((string)Required(parent, name, path), NumberStyles.Float, CultureInfo.InvariantCulture);
}
