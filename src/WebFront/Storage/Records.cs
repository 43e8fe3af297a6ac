namespace FaceMask.WebFront.Storage;

public sealed record AppUser(
    long Id, string Username, string PasswordHash, bool IsAdmin, string SecurityStamp, DateTimeOffset CreatedAt);

public sealed record UserSummary(long Id, string Username, bool IsAdmin, DateTimeOffset CreatedAt, int ImageCount);

/// <summary>The four groups of the history, by how many of the faces wear a mask.</summary>
public enum ImageCategory
{
    NoFace,
    AllMasked,
    NoneMasked,
    SomeMasked,
}

public static class ImageCategories
{
    public static readonly IReadOnlyList<ImageCategory> All =
        [ImageCategory.NoFace, ImageCategory.AllMasked, ImageCategory.NoneMasked, ImageCategory.SomeMasked];

    public static ImageCategory Of(int faces, int masked) =>
        faces == 0 ? ImageCategory.NoFace
        : masked == faces ? ImageCategory.AllMasked
        : masked == 0 ? ImageCategory.NoneMasked
        : ImageCategory.SomeMasked;

    /// <summary>The value stored in the database and sent by the API.</summary>
    public static string Key(this ImageCategory category) => category switch
    {
        ImageCategory.NoFace => "no_face",
        ImageCategory.AllMasked => "all_masked",
        ImageCategory.NoneMasked => "none_masked",
        ImageCategory.SomeMasked => "some_masked",
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    public static string Title(this ImageCategory category) => category switch
    {
        ImageCategory.NoFace => "No face detected",
        ImageCategory.AllMasked => "All faces masked",
        ImageCategory.NoneMasked => "No face masked",
        ImageCategory.SomeMasked => "Some faces masked",
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    public static bool TryParse(string? key, out ImageCategory category)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Key(), key, StringComparison.Ordinal))
            {
                category = candidate;
                return true;
            }
        }

        category = default;
        return false;
    }
}

public sealed record StoredFace(string Label, double Score, int[] Box);

/// <summary>One upload: its detection result and the keys of its three blobs.</summary>
public sealed record StoredImage(
    string Id,
    long UserId,
    string FileName,
    string ContentType,
    int Width,
    int Height,
    int NumFaces,
    int NumMasked,
    int NumUnmasked,
    ImageCategory Category,
    IReadOnlyList<StoredFace> Detections,
    string OriginalKey,
    string AnnotatedKey,
    string ThumbnailKey,
    string Worker,
    double DetectMs,
    double TotalMs,
    DateTimeOffset CreatedAt);

public sealed record Blob(byte[] Content, string ContentType);
