namespace FaceMask.LoadGen.Requests;

/// <summary>One photo the load generator sends: its file name (as the multipart file name) and bytes.</summary>
public sealed record ImageFile(string Name, byte[] Bytes);

/// <summary>The photos of a folder (and its subfolders), sent in turn: request k carries image k mod n.</summary>
public sealed class ImageSet
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".gif"];

    public ImageSet(IReadOnlyList<ImageFile> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("An image set needs at least one image.", nameof(images));
        }

        Images = images;
    }

    public IReadOnlyList<ImageFile> Images { get; }

    public ImageFile this[long index] => Images[(int)(index % Images.Count)];

    public long TotalBytes => Images.Sum(i => (long)i.Bytes.Length);

    /// <summary>Every png, jpg, jpeg or gif under <paramref name="folder"/>, in ordinal path order so runs repeat.</summary>
    public static ImageSet Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The image folder {Path.GetFullPath(folder)} does not exist.");
        }

        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(f => new ImageFile(Path.GetFileName(f), File.ReadAllBytes(f)))
            .Where(f => f.Bytes.Length > 0)
            .ToList();
        return files.Count > 0
            ? new ImageSet(files)
            : throw new InvalidDataException($"No png, jpg, jpeg or gif image under {Path.GetFullPath(folder)}.");
    }
}
