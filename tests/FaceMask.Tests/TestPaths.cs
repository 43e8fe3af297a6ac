namespace FaceMask.Tests;

/// <summary>Where the checkout and the shared reference material (../shared beside it) are.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Shared => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string Samples => Path.Combine(Shared, "models", "samples");

    public static string Fixtures => Path.Combine(Shared, "fixtures");

    public static string ModelFile => Path.Combine(Shared, "models", "face_mask_detection.onnx");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaceMask.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FaceMask.sln not found above " + AppContext.BaseDirectory);
    }
}
