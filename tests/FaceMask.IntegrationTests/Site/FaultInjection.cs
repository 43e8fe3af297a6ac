using FaceMask.WebFront.Storage;

namespace FaceMask.IntegrationTests.Site;

/// <summary>Storage faults a test can arm; each fires once and disarms itself.</summary>
public sealed class FaultSwitch
{
    private int _failNextInsert;
    private int _failBlobWriteNumber;

    /// <summary>The next image row insert throws (after all blobs of that upload were written).</summary>
    public void FailNextImageInsert() => Interlocked.Exchange(ref _failNextInsert, 1);

    /// <summary>The n-th blob write from now (1 = the next) throws after writing its file.</summary>
    public void FailBlobWrite(int n) => Interlocked.Exchange(ref _failBlobWriteNumber, n);

    public bool TakeInsertFault() => Interlocked.Exchange(ref _failNextInsert, 0) == 1;

    public bool TakeBlobFault()
    {
        while (true)
        {
            var current = Volatile.Read(ref _failBlobWriteNumber);
            if (current == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _failBlobWriteNumber, current - 1, current) == current)
            {
                return current == 1;
            }
        }
    }
}

public sealed class FaultyImageStore(IImageStore inner, FaultSwitch faults) : IImageStore
{
    public Task InsertAsync(StoredImage image, CancellationToken cancellationToken = default) =>
        faults.TakeInsertFault()
            ? throw new IOException("Injected fault: the database refused the image row.")
            : inner.InsertAsync(image, cancellationToken);

    public Task<StoredImage?> FindAsync(long userId, string id, CancellationToken cancellationToken = default) =>
        inner.FindAsync(userId, id, cancellationToken);

    public Task<IReadOnlyList<StoredImage>> ListAsync(long userId, ImageCategory? category, int skip, int take, CancellationToken cancellationToken = default) =>
        inner.ListAsync(userId, category, skip, take, cancellationToken);

    public Task<IReadOnlyDictionary<ImageCategory, int>> CountAsync(long userId, CancellationToken cancellationToken = default) =>
        inner.CountAsync(userId, cancellationToken);

    public Task<bool> DeleteAsync(long userId, string id, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(userId, id, cancellationToken);

    public Task<int> DeleteAllAsync(CancellationToken cancellationToken = default) => inner.DeleteAllAsync(cancellationToken);

    public Task<int> CountAllAsync(CancellationToken cancellationToken = default) => inner.CountAllAsync(cancellationToken);
}

public sealed class FaultyBlobStore(IBlobStore inner, FaultSwitch faults) : IBlobStore
{
    public async Task PutAsync(string key, byte[] content, string contentType, CancellationToken cancellationToken = default)
    {
        await inner.PutAsync(key, content, contentType, cancellationToken);
        if (faults.TakeBlobFault())
        {
            throw new IOException("Injected fault: the blob store failed after writing.");
        }
    }

    public Task<Blob?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default) =>
        inner.DeletePrefixAsync(prefix, cancellationToken);
}
