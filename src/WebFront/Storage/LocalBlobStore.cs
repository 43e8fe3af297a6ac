namespace FaceMask.WebFront.Storage;

/// <summary>
/// Blobs as files under one folder outside any web root. Writes go to a temporary file first and are
/// renamed into place, so a reader never sees half a blob.
/// </summary>
public sealed class LocalBlobStore(string root) : IBlobStore
{
    private const string ContentTypeSuffix = ".content-type";

    public string Root { get; } = Path.GetFullPath(root);

    public async Task PutAsync(string key, byte[] content, string contentType, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await File.WriteAllBytesAsync(temporary, content, cancellationToken);
            await File.WriteAllTextAsync(path + ContentTypeSuffix, contentType, cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public async Task<Blob?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            var content = await File.ReadAllBytesAsync(path, cancellationToken);
            var type = File.Exists(path + ContentTypeSuffix)
                ? await File.ReadAllTextAsync(path + ContentTypeSuffix, cancellationToken)
                : "application/octet-stream";
            return new Blob(content, type);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        // File.Delete ignores a missing file but not a missing folder: deleting a missing key is no error.
        if (Directory.Exists(Path.GetDirectoryName(path)))
        {
            File.Delete(path);
            File.Delete(path + ContentTypeSuffix);
            DeleteEmptyParents(Path.GetDirectoryName(path)!);
        }

        return Task.CompletedTask;
    }

    public Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        // Prefixes end at a folder boundary ("users/17/"), so the folder is exactly the prefix.
        BlobKeys.CheckPrefix(prefix);
        var folder = PathOf(prefix.TrimEnd('/'));
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        DeleteEmptyParents(Path.GetDirectoryName(folder)!);
        return Task.CompletedTask;
    }

    private string PathOf(string key)
    {
        BlobKeys.Check(key);
        return Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    private void DeleteEmptyParents(string folder)
    {
        for (var dir = folder; dir.Length > Root.Length && dir.StartsWith(Root, StringComparison.Ordinal); dir = Path.GetDirectoryName(dir)!)
        {
            if (!Directory.Exists(dir) || Directory.EnumerateFileSystemEntries(dir).Any())
            {
                return;
            }

            Directory.Delete(dir);
        }
    }
}
