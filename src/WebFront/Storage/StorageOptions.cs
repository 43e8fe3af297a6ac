using System.ComponentModel.DataAnnotations;

namespace FaceMask.WebFront.Storage;

/// <summary>Where the embedded default keeps app data ("Storage" section).</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Folder of the SQLite file and the image blobs; relative paths start at the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    public string DatabasePath(string contentRoot) => Path.Combine(Root(contentRoot), "facemask.db");

    public string BlobDirectory(string contentRoot) => Path.Combine(Root(contentRoot), "blobs");

    private string Root(string contentRoot) => Path.GetFullPath(DataDirectory, contentRoot);
}
