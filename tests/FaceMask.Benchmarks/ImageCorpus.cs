using FaceMask.Grains.Detection;

namespace FaceMask.Benchmarks;

/// <summary>
/// The images the benchmarks loop over, in two sets measured apart because their decode costs differ
/// several-fold: <see cref="Photos"/>, the model's sample photos (JPEG and 8-bit PNG, as users upload
/// them), and <see cref="Fixtures"/>, the 24 labelled PNGs (mostly 16-bit RGBA, slow to inflate).
/// Host and benchmark child process both read it, so the per-image columns divide by the same count
/// the benchmarks looped over.
/// </summary>
public static class ImageCorpus
{
    public const string Photos = "photos";
    public const string Fixtures = "fixtures";

    private static readonly Lazy<string> SharedFolder = new(FindSharedFolder);

    public static string ModelPath => Path.Combine(SharedFolder.Value, "models", ModelLocator.FileName);

    public static IReadOnlyList<string> ImagePaths(string set)
    {
        var paths = set switch
        {
            Photos => Directory.GetFiles(Path.Combine(SharedFolder.Value, "models", "samples")),
            Fixtures => Directory.GetFiles(Path.Combine(SharedFolder.Value, "fixtures", "images"), "*.png"),
            _ => throw new ArgumentOutOfRangeException(nameof(set), set, "Unknown image set."),
        };
        // Sorted so every run and every process sees the same order.
        return [.. paths.Order(StringComparer.Ordinal)];
    }

    public static int Count(string set) => ImagePaths(set).Count;

    public static IReadOnlyList<byte[]> Load(string set) => [.. ImagePaths(set).Select(File.ReadAllBytes)];

    // The benchmark child runs from a generated folder under bin/, so the working directory is no guide.
    private static string FindSharedFolder()
    {
        string[] starts = [AppContext.BaseDirectory, Directory.GetCurrentDirectory()];
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "FaceMask.sln")))
                {
                    return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                }
            }
        }

        throw new InvalidOperationException(
            $"FaceMask.sln was not found above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}; " +
            "the benchmarks read their model and images from ../shared beside the checkout.");
    }
}
