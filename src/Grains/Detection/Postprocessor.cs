namespace FaceMask.Grains.Detection;

/// <summary>
/// SSD decode (variances 0.1/0.2), score threshold, one class-agnostic NMS and the upstream pixel-box
/// rule, exactly as the original pipeline's defaults.
/// </summary>
public static class Postprocessor
{
    public const float ScoreThreshold = 0.5f;
    public const double IouThreshold = 0.4;

    private const double CenterVariance = 0.1;
    private const double SizeVariance = 0.2;
    private const double AreaEpsilon = 0.001;

    public static List<Detection> Run(
        ReadOnlySpan<float> loc, ReadOnlySpan<float> conf, double[] anchors, int imageWidth, int imageHeight)
    {
        var count = anchors.Length / 4;
        var candidates = new List<Candidate>();
        for (var i = 0; i < count; i++)
        {
            float mask = conf[i * 2], noMask = conf[(i * 2) + 1];
            var label = noMask > mask ? FaceLabel.NoMask : FaceLabel.Mask;
            var score = Math.Max(mask, noMask);
            if (score > ScoreThreshold)
            {
                candidates.Add(new Candidate(i, label, score, Decode(loc.Slice(i * 4, 4), anchors.AsSpan(i * 4, 4))));
            }
        }

        var picked = Suppress(candidates);
        var detections = new List<Detection>(picked.Count);
        foreach (var c in picked)
        {
            var (x0, y0, x1, y1) = c.Box;
            detections.Add(new Detection(
                c.Label,
                c.Score,
                Math.Max(0, (int)(x0 * imageWidth)),
                Math.Max(0, (int)(y0 * imageHeight)),
                Math.Min((int)(x1 * imageWidth), imageWidth),
                Math.Min((int)(y1 * imageHeight), imageHeight)));
        }

        return detections;
    }

    public static (double X0, double Y0, double X1, double Y1) Decode(ReadOnlySpan<float> loc, ReadOnlySpan<double> anchor)
    {
        var aw = anchor[2] - anchor[0];
        var ah = anchor[3] - anchor[1];
        var acx = (anchor[0] + anchor[2]) / 2;
        var acy = (anchor[1] + anchor[3]) / 2;
        var cx = (loc[0] * CenterVariance * aw) + acx;
        var cy = (loc[1] * CenterVariance * ah) + acy;
        var w = Math.Exp(loc[2] * SizeVariance) * aw;
        var h = Math.Exp(loc[3] * SizeVariance) * ah;
        return (cx - (w / 2), cy - (h / 2), cx + (w / 2), cy + (h / 2));
    }

    /// <summary>Greedy NMS by descending score; returns the kept candidates in pick order.</summary>
    private static List<Candidate> Suppress(List<Candidate> candidates)
    {
        // Highest score first; equal scores keep the higher anchor index first, as upstream's
        // ascending argsort read from the end does for the typical (stable) case.
        candidates.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : b.Index.CompareTo(a.Index));
        var removed = new bool[candidates.Count];
        var picked = new List<Candidate>();
        for (var i = 0; i < candidates.Count; i++)
        {
            if (removed[i])
            {
                continue;
            }

            var best = candidates[i];
            picked.Add(best);
            var bestArea = Area(best.Box);
            for (var j = i + 1; j < candidates.Count; j++)
            {
                if (!removed[j] && Iou(best.Box, bestArea, candidates[j].Box) > IouThreshold)
                {
                    removed[j] = true;
                }
            }
        }

        return picked;
    }

    private static double Area((double X0, double Y0, double X1, double Y1) b) =>
        (b.X1 - b.X0 + AreaEpsilon) * (b.Y1 - b.Y0 + AreaEpsilon);

    private static double Iou(
        (double X0, double Y0, double X1, double Y1) a, double areaA, (double X0, double Y0, double X1, double Y1) b)
    {
        var w = Math.Max(0, Math.Min(a.X1, b.X1) - Math.Max(a.X0, b.X0));
        var h = Math.Max(0, Math.Min(a.Y1, b.Y1) - Math.Max(a.Y0, b.Y0));
        var overlap = w * h;
        return overlap / (areaA + Area(b) - overlap);
    }

    private sealed record Candidate(int Index, FaceLabel Label, float Score, (double X0, double Y0, double X1, double Y1) Box);
}
