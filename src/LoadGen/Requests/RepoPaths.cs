namespace FaceMask.LoadGen.Requests;

/// <summary>Where the checkout and <c>../shared</c> are: the folder holding FaceMask.sln, above the working directory or the program.</summary>
public static class RepoPaths
{
    public static string? FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "FaceMask.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>The default photos: <c>../shared/fixtures</c> beside the checkout.</summary>
    public static string DefaultImageFolder() =>
        FindRepoRoot() is { } root
            ? Path.GetFullPath(Path.Combine(root, "..", "shared", "fixtures"))
            : throw new InvalidOperationException("FaceMask.sln was not found above the working directory: give --images <folder>.");
}
