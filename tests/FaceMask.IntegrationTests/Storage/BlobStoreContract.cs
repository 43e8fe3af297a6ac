using System.Security.Cryptography;
using FaceMask.WebFront.Storage;

namespace FaceMask.IntegrationTests.Storage;

/// <summary>
/// What every blob store must do, run against each of them (the local folder always, S3 with Category=S3).
/// Every test works under user ids of its own, so tests never see each other's blobs.
/// </summary>
public abstract class BlobStoreContract(IBlobStore store)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("image/png")]
    [InlineData("image/jpeg")]
    [InlineData("image/gif")]
    public async Task PutThenGetReturnsTheBytesAndTheContentType(string contentType)
    {
        var key = Key(NewUser(), "original.png");
        var content = RandomNumberGenerator.GetBytes(1000);

        await store.PutAsync(key, content, contentType, Cancel);
        var blob = await store.GetAsync(key, Cancel);

        Assert.NotNull(blob);
        Assert.Equal(content, blob.Content);
        Assert.Equal(contentType, blob.ContentType);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(6 * 1024 * 1024 + 17)]
    public async Task BlobsOfAnySizeRoundTripByteForByte(int size)
    {
        var key = Key(NewUser(), "annotated.jpg");
        var content = RandomNumberGenerator.GetBytes(size);

        await store.PutAsync(key, content, "image/jpeg", Cancel);

        Assert.Equal(content, (await store.GetAsync(key, Cancel))?.Content);
    }

    [Fact]
    public async Task PutReplacesTheBlobAndItsContentType()
    {
        var key = Key(NewUser(), "thumbnail.jpg");
        await store.PutAsync(key, [1, 2, 3], "image/png", Cancel);

        await store.PutAsync(key, [4, 5], "image/jpeg", Cancel);

        var blob = await store.GetAsync(key, Cancel);
        Assert.Equal([4, 5], blob?.Content);
        Assert.Equal("image/jpeg", blob?.ContentType);
    }

    [Fact]
    public async Task AMissingKeyReadsAsNull()
    {
        var user = NewUser();
        await store.PutAsync(Key(user, "original.png"), [1], "image/png", Cancel);

        Assert.Null(await store.GetAsync(Key(user, "annotated.jpg"), Cancel));
        Assert.Null(await store.GetAsync(Key(NewUser(), "original.png"), Cancel));
    }

    [Fact]
    public async Task DeleteRemovesOnlyThatKeyAndDeletingAMissingKeyIsFine()
    {
        var user = NewUser();
        await store.PutAsync(Key(user, "original.png"), [1], "image/png", Cancel);
        await store.PutAsync(Key(user, "annotated.jpg"), [2], "image/jpeg", Cancel);

        await store.DeleteAsync(Key(user, "original.png"), Cancel);
        await store.DeleteAsync(Key(user, "original.png"), Cancel);
        await store.DeleteAsync(Key(NewUser(), "never.png"), Cancel);

        Assert.Null(await store.GetAsync(Key(user, "original.png"), Cancel));
        Assert.Equal([2], (await store.GetAsync(Key(user, "annotated.jpg"), Cancel))?.Content);
    }

    [Fact]
    public async Task DeletePrefixRemovesEveryBlobOfOneUserAndNoneOfAUserWhoseIdStartsAlike()
    {
        var user = NewUser();
        var alike = user * 10 + 7;
        string[] mine = [Key(user, "original.png", "a"), Key(user, "annotated.jpg", "a"), Key(user, "original.png", "b")];
        foreach (var key in mine)
        {
            await store.PutAsync(key, [1], "image/png", Cancel);
        }

        await store.PutAsync(Key(alike, "original.png"), [9], "image/png", Cancel);

        await store.DeletePrefixAsync(BlobKeys.UserPrefix(user), Cancel);

        foreach (var key in mine)
        {
            Assert.Null(await store.GetAsync(key, Cancel));
        }

        Assert.Equal([9], (await store.GetAsync(Key(alike, "original.png"), Cancel))?.Content);
        await store.DeletePrefixAsync(BlobKeys.UserPrefix(NewUser()), Cancel);
    }

    [Fact]
    public async Task DeletePrefixRemovesMoreThanOnePageOfBlobs()
    {
        var user = NewUser();
        var keys = Enumerable.Range(0, 1005).Select(i => Key(user, $"{i}.jpg")).ToList();
        await Parallel.ForEachAsync(
            keys, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Cancel }, async (key, ct) =>
                await store.PutAsync(key, [1], "image/jpeg", ct));

        await store.DeletePrefixAsync(BlobKeys.UserPrefix(user), Cancel);

        Assert.Null(await store.GetAsync(keys[0], Cancel));
        Assert.Null(await store.GetAsync(keys[^1], Cancel));
    }

    [Theory]
    [InlineData("../escape.png")]
    [InlineData("users/1/../../escape.png")]
    [InlineData("/users/1/abs.png")]
    [InlineData("users//1/x.png")]
    [InlineData("users/1/./x.png")]
    [InlineData("users/1/x y.png")]
    [InlineData("")]
    public async Task KeysOutsideTheKeyAlphabetAreRefused(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(key, [1], "image/png", Cancel));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync(key, Cancel));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteAsync(key, Cancel));
    }

    [Theory]
    [InlineData("users/1")]
    [InlineData("/")]
    [InlineData("../")]
    public async Task APrefixMustBeAFolder(string prefix) =>
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeletePrefixAsync(prefix, Cancel));

    protected static long NewUser() => Random.Shared.NextInt64(1_000_000, 1_000_000_000);

    protected static string Key(long user, string name, string image = "img") => $"{BlobKeys.UserPrefix(user)}{image}/{name}";
}

public sealed class LocalBlobStoreTests() : BlobStoreContract(Store), IDisposable
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "facemask-blobs-" + Guid.NewGuid().ToString("N"));

    private static LocalBlobStore Store => new(Root);

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
