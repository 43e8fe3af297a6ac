namespace FaceMask.Grains.Detection;

/// <summary>
/// Resizes straight to the model's square input the way OpenCV's INTER_LINEAR does for 8-bit images
/// (half-pixel centres, edge clamp, 11-bit fixed-point weights, no antialiasing), then scales to [0, 1]
/// into an NCHW float tensor with channels R, G, B.
/// </summary>
/// <remarks>
/// OpenCV's vertical pass rounds differently in its 128-bit SIMD loop, which covers all of a row but
/// its last few values, than in its scalar tail; both are reproduced so the tensor matches the
/// original pipeline's bit for bit on x86-64.
/// </remarks>
public static class Preprocessor
{
    private const int WeightBits = 11;
    private const int WeightOne = 1 << WeightBits;

    /// <summary>v / 255 for every 8-bit level, as the original's division in floating point gives it.</summary>
    private static readonly float[] Levels = Enumerable.Range(0, 256).Select(v => (float)(v / 255.0)).ToArray();

    public static void Fill(RgbaImage image, int size, Span<float> tensor)
    {
        if (tensor.Length != 3 * size * size)
        {
            throw new ArgumentException($"The tensor must hold 3x{size}x{size} values.", nameof(tensor));
        }

        var (xOffsets, xWeights) = Weights(image.Width, size);
        var (yOffsets, yWeights) = Weights(image.Height, size);

        // Horizontally resized rows, at most two needed per output row; cached by source row.
        var rowA = new int[size * 3];
        var rowB = new int[size * 3];
        int rowAIndex = -1, rowBIndex = -1;
        var plane = size * size;
        var simdEnd = SimdCoverage(size * 3);

        for (var dy = 0; dy < size; dy++)
        {
            var sy0 = yOffsets[dy];
            var sy1 = Math.Min(sy0 + 1, image.Height - 1);
            if (rowAIndex != sy0)
            {
                if (rowBIndex == sy0)
                {
                    (rowA, rowB) = (rowB, rowA);
                    (rowAIndex, rowBIndex) = (rowBIndex, rowAIndex);
                }
                else
                {
                    ResizeRow(image, sy0, xOffsets, xWeights, rowA);
                    rowAIndex = sy0;
                }
            }

            if (rowBIndex != sy1)
            {
                ResizeRow(image, sy1, xOffsets, xWeights, rowB);
                rowBIndex = sy1;
            }

            int b0 = yWeights[dy * 2], b1 = yWeights[(dy * 2) + 1];
            var rowOffset = dy * size;
            var red = tensor.Slice(rowOffset, size);
            var green = tensor.Slice(plane + rowOffset, size);
            var blue = tensor.Slice((2 * plane) + rowOffset, size);
            for (var dx = 0; dx < size; dx++)
            {
                var i = dx * 3;
                if (i + 2 < simdEnd)
                {
                    red[dx] = Levels[VectorRound(rowA[i], rowB[i], b0, b1)];
                    green[dx] = Levels[VectorRound(rowA[i + 1], rowB[i + 1], b0, b1)];
                    blue[dx] = Levels[VectorRound(rowA[i + 2], rowB[i + 2], b0, b1)];
                }
                else
                {
                    red[dx] = Levels[Round(rowA, rowB, i, b0, b1, simdEnd)];
                    green[dx] = Levels[Round(rowA, rowB, i + 1, b0, b1, simdEnd)];
                    blue[dx] = Levels[Round(rowA, rowB, i + 2, b0, b1, simdEnd)];
                }
            }
        }
    }

    /// <summary>OpenCV's 16-bit SIMD rounding: each product pre-shifted, so the result may differ by one.</summary>
    private static int VectorRound(int a, int b, int b0, int b1) =>
        Math.Min(((((a >> 4) * b0) >> 16) + (((b >> 4) * b1) >> 16) + 2) >> 2, 255);

    private static int Round(int[] rowA, int[] rowB, int i, int b0, int b1, int simdEnd) =>
        i < simdEnd
            ? VectorRound(rowA[i], rowB[i], b0, b1)
            : Math.Min(((rowA[i] * b0) + (rowB[i] * b1) + (1 << ((2 * WeightBits) - 1))) >> (2 * WeightBits), 255);

    private static void ResizeRow(RgbaImage image, int sourceRow, int[] offsets, short[] weights, int[] target)
    {
        var pixels = image.Pixels;
        var rowStart = sourceRow * image.RowBytes;
        var lastColumn = image.Width - 1;
        for (var dx = 0; dx < offsets.Length; dx++)
        {
            var sx = offsets[dx];
            var p0 = rowStart + (sx * 4);
            var p1 = rowStart + (Math.Min(sx + 1, lastColumn) * 4);
            int a0 = weights[dx * 2], a1 = weights[(dx * 2) + 1];
            for (var c = 0; c < 3; c++)
            {
                target[(dx * 3) + c] = (pixels[p0 + c] * a0) + (pixels[p1 + c] * a1);
            }
        }
    }

    /// <summary>How many values of a row OpenCV's vertical pass computes with 16- and 8-lane vectors.</summary>
    private static int SimdCoverage(int rowValues)
    {
        var end = 0;
        while (end <= rowValues - 16)
        {
            end += 16;
        }

        while (end < rowValues - 8)
        {
            end += 8;
        }

        return end;
    }

    /// <summary>Source index and the two fixed-point weights of each destination index.</summary>
    public static (int[] Offsets, short[] Weights) Weights(int sourceSize, int targetSize)
    {
        var offsets = new int[targetSize];
        var weights = new short[targetSize * 2];
        var scale = (double)sourceSize / targetSize;
        for (var d = 0; d < targetSize; d++)
        {
            var f = (float)(((d + 0.5) * scale) - 0.5);
            var s = (int)MathF.Floor(f);
            f -= s;
            if (s < 0)
            {
                f = 0;
                s = 0;
            }

            if (s >= sourceSize - 1)
            {
                f = 0;
                s = sourceSize - 1;
            }

            offsets[d] = s;
            weights[d * 2] = (short)MathF.Round((1f - f) * WeightOne);
            weights[(d * 2) + 1] = (short)MathF.Round(f * WeightOne);
        }

        return (offsets, weights);
    }
}
