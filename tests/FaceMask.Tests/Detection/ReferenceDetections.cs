using System.Text.Json;
using FaceMask.Grains.Detection;

namespace FaceMask.Tests.Detection;

public sealed record ReferenceFace(FaceLabel Label, double Score, int[] Box);

/// <summary>Reads the detections the original PyTorch pipeline produced.</summary>
public static class ReferenceDetections
{
    /// <summary>models/reference_detections.json, 260 model: file name → faces.</summary>
    public static IReadOnlyDictionary<string, ReferenceFace[]> Samples()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Shared, "models", "reference_detections.json")));
        return doc.RootElement.GetProperty("face_mask_detection.onnx").GetProperty("images").EnumerateArray()
            .ToDictionary(
                image => image.GetProperty("file").GetString()!,
                image => image.GetProperty("faces").EnumerateArray().Select(f => new ReferenceFace(
                    Enum.Parse<FaceLabel>(f.GetProperty("class_name").GetString()!),
                    f.GetProperty("score").GetDouble(),
                    f.GetProperty("box").EnumerateArray().Select(v => v.GetInt32()).ToArray())).ToArray());
    }

    /// <summary>fixtures/reference_detections.json: file name → faces.</summary>
    public static IReadOnlyDictionary<string, ReferenceFace[]> Fixtures()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Fixtures, "reference_detections.json")));
        return doc.RootElement.EnumerateObject().ToDictionary(
            p => p.Name,
            p => p.Value.EnumerateArray().Select(f => new ReferenceFace(
                Enum.Parse<FaceLabel>(f.GetProperty("label").GetString()!),
                f.GetProperty("score").GetDouble(),
                f.GetProperty("box").EnumerateArray().Select(v => v.GetInt32()).ToArray())).ToArray());
    }
}
