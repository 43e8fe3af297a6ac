namespace FaceMask.Grains.Detection;

/// <summary>Finds the ONNX model: configured path, then <c>models/</c>, then <c>../shared/models/</c>.</summary>
public static class ModelLocator
{
    public const string FileName = "face_mask_detection.onnx";

    /// <summary>
    /// The configured path when one is set; otherwise <c>models/</c> and <c>../shared/models/</c> below
    /// the working directory, then the same below each folder above the program's own (so test and
    /// benchmark hosts run from bin/ find the checkout's model).
    /// </summary>
    public static IReadOnlyList<string> Candidates(string? configuredPath)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            return [Path.GetFullPath(configuredPath)];
        }

        var bases = new List<string> { Directory.GetCurrentDirectory() };
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            bases.Add(dir.FullName);
        }

        return bases
            .SelectMany(b => new[] { Path.Combine(b, "models", FileName), Path.Combine(b, "..", "shared", "models", FileName) })
            .Select(Path.GetFullPath)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    public static string Locate(string? configuredPath)
    {
        var candidates = Candidates(configuredPath);
        var found = candidates.FirstOrDefault(File.Exists);
        if (found is not null)
        {
            return found;
        }

        throw new FileNotFoundException(
            $"The face-mask model ({FileName}) was not found. Set Detector:ModelPath, or put the file in models/ " +
            "or ../shared/models/. Looked in:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", candidates),
            candidates[0]);
    }
}
