using System.Text.Json;
using FaceMask.IntegrationTests;

namespace FaceMask.BrowserTests;

/// <summary>A labelled fixture photo and what the original pipeline found in it (../shared/fixtures/reference_detections.json).</summary>
public sealed record FixturePhoto(string Path, string FileName, int Faces, int Masked)
{
    /// <summary>The history group the site files it under.</summary>
    public string Group => Faces == 0 ? "no_face" : Masked == Faces ? "all_masked" : Masked == 0 ? "none_masked" : "some_masked";

    public static FixturePhoto Load(string fileName)
    {
        var fixtures = System.IO.Path.Combine(Processes.Shared, "fixtures");
        using var reference = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(fixtures, "reference_detections.json")));
        var faces = reference.RootElement.GetProperty(fileName).EnumerateArray().ToList();
        return new FixturePhoto(
            System.IO.Path.Combine(fixtures, "images", fileName),
            fileName,
            faces.Count,
            faces.Count(f => f.GetProperty("label").GetString() == "Mask"));
    }
}
