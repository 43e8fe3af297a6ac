namespace FaceMask.Grains.Detection;

/// <summary>
/// The SSD priors of the 260×260 model, as corners normalised to the resized input, in the row order
/// of the model's <c>loc</c>/<c>conf</c> outputs (level, row, column, anchor).
/// </summary>
public static class Anchors
{
    public const int InputSize = 260;

    private static readonly int[] FeatureMapSizes = [33, 17, 9, 5, 3];
    private static readonly (double Small, double Large)[] Sizes =
        [(0.04, 0.056), (0.08, 0.11), (0.16, 0.22), (0.32, 0.45), (0.64, 0.72)];
    private static readonly double[] Ratios = [1.0, 0.62, 0.42];

    public static int Count { get; } = FeatureMapSizes.Sum(f => f * f * 4);

    /// <summary>Flat [Count × 4] array: x0, y0, x1, y1 per anchor.</summary>
    public static double[] Create()
    {
        var anchors = new double[Count * 4];
        var i = 0;
        for (var level = 0; level < FeatureMapSizes.Length; level++)
        {
            var f = FeatureMapSizes[level];
            var (s0, s1) = Sizes[level];
            // Per cell: both sizes at ratio 1, then the first size at the other ratios.
            (double W, double H)[] shapes =
            [
                (s0, s0),
                (s1, s1),
                (s0 * Math.Sqrt(Ratios[1]), s0 / Math.Sqrt(Ratios[1])),
                (s0 * Math.Sqrt(Ratios[2]), s0 / Math.Sqrt(Ratios[2])),
            ];
            for (var y = 0; y < f; y++)
            {
                var cy = (y + 0.5) / f;
                for (var x = 0; x < f; x++)
                {
                    var cx = (x + 0.5) / f;
                    foreach (var (w, h) in shapes)
                    {
                        anchors[i++] = cx - (w / 2);
                        anchors[i++] = cy - (h / 2);
                        anchors[i++] = cx + (w / 2);
                        anchors[i++] = cy + (h / 2);
                    }
                }
            }
        }

        return anchors;
    }
}
