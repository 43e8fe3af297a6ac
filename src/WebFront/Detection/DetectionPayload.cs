using System.Text.Json.Serialization;
using FaceMask.Grains.Detection;

namespace FaceMask.WebFront.Detection;

/// <summary>What /api/cpuTest answers (and /api/upload extends): counts first, as the course tests read them.</summary>
public sealed record DetectionPayload(
    [property: JsonPropertyName("num_faces")] int NumFaces,
    [property: JsonPropertyName("num_masked")] int NumMasked,
    [property: JsonPropertyName("num_unmasked")] int NumUnmasked,
    [property: JsonPropertyName("worker")] string Worker,
    [property: JsonPropertyName("elapsed_ms")] double ElapsedMs,
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("height")] int Height,
    [property: JsonPropertyName("detections")] IReadOnlyList<FaceJson> Detections)
{
    public static DetectionPayload From(DetectionResult result) => new(
        result.Detections.Count,
        result.NumMasked,
        result.NumUnmasked,
        result.Worker,
        Math.Round(result.ElapsedMs, 2),
        result.Width,
        result.Height,
        result.Detections.Select(FaceJson.From).ToList());
}

public sealed record FaceJson(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("box")] int[] Box)
{
    public static FaceJson From(Grains.Detection.Detection d) =>
        new(d.Label.ToString(), Math.Round(d.Score, 4), [d.XMin, d.YMin, d.XMax, d.YMax]);
}
