using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FaceMask.WebFront.Storage;

namespace FaceMask.IntegrationTests.Storage;

/// <summary>A bucket of its own on the test S3 server, behind the store with a key prefix, removed at the end.</summary>
public sealed class S3TestBucket : IAsyncLifetime
{
    public string Name { get; } = TestServices.NewBucketName();

    public string Prefix { get; } = "facemask/";

    public AmazonS3Client Client { get; private set; } = null!;

    public S3BlobStore Store { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Client = TestServices.S3Client();
        Store = new S3BlobStore(Client, Name, Prefix);
        await Store.EnsureBucketAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await TestServices.DeleteBucketAsync(Client, Name);
        Client.Dispose();
    }
}

[Trait("Category", "S3")]
public sealed class S3BlobStoreTests(S3TestBucket bucket) : BlobStoreContract(bucket.Store), IClassFixture<S3TestBucket>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMissingBucketIsCreatedPrivateOnceAndNoRequestEverAsksForPublicAccess()
    {
        var name = TestServices.NewBucketName();
        using var client = TestServices.S3Client();
        var requests = new List<(string Operation, IDictionary<string, string> Headers)>();
        ((AmazonServiceClient)client).BeforeRequestEvent += (_, e) =>
        {
            if (e is WebServiceRequestEventArgs web)
            {
                lock (requests)
                {
                    requests.Add((web.Request?.GetType().Name ?? "", web.Headers));
                }
            }
        };
        var store = new S3BlobStore(client, name, "p/");
        try
        {
            // s3rver has no public access blocks; AWS answers CreatedPublicAccessBlocked.
            Assert.Equal(S3BlobStore.BucketSetup.CreatedWithoutPublicAccessBlock, await store.EnsureBucketAsync(Cancel));
            Assert.Equal(S3BlobStore.BucketSetup.Found, await store.EnsureBucketAsync(Cancel));
            await store.PutAsync("users/1/a/original.png", [1, 2, 3], "image/png", Cancel);
            Assert.Equal([1, 2, 3], (await store.GetAsync("users/1/a/original.png", Cancel))?.Content);

            Assert.Contains((await client.ListBucketsAsync(Cancel)).Buckets ?? [], b => b.BucketName == name);
            Assert.Single(requests, r => r.Operation == nameof(PutBucketRequest));
            Assert.Single(requests, r => r.Operation == nameof(PutPublicAccessBlockRequest));
            foreach (var (_, headers) in requests)
            {
                Assert.DoesNotContain(headers.Keys, h => h.StartsWith("x-amz-acl", StringComparison.OrdinalIgnoreCase)
                    || h.StartsWith("x-amz-grant", StringComparison.OrdinalIgnoreCase));
            }
        }
        finally
        {
            await TestServices.DeleteBucketAsync(client, name);
        }
    }

    [Fact]
    public async Task EveryObjectLivesUnderTheConfiguredPrefixAndNothingOutsideItIsTouched()
    {
        var user = NewUser();
        var outside = $"elsewhere/users/{user}/keep.png";
        await bucket.Client.PutObjectAsync(
            new PutObjectRequest { BucketName = bucket.Name, Key = outside, ContentBody = "keep", UseChunkEncoding = false }, Cancel);
        await bucket.Store.PutAsync(Key(user, "original.png"), [1], "image/png", Cancel);

        var listed = await bucket.Client.ListObjectsAsync(
            new ListObjectsRequest { BucketName = bucket.Name, Prefix = $"facemask/users/{user}/" }, Cancel);
        Assert.Equal([$"facemask/{Key(user, "original.png")}"], (listed.S3Objects ?? []).Select(o => o.Key));

        await bucket.Store.DeletePrefixAsync("users/", Cancel);

        Assert.Null(await bucket.Store.GetAsync(Key(user, "original.png"), Cancel));
        using var kept = await bucket.Client.GetObjectAsync(bucket.Name, outside, Cancel);
        Assert.Equal("keep", await new StreamReader(kept.ResponseStream).ReadToEndAsync(Cancel));
    }

    [Fact]
    public async Task StoredObjectsHoldThePlainBytesAndTheContentType()
    {
        // Read past the store: chunk-encoding framing saved as content would show here.
        var key = Key(NewUser(), "original.gif");
        await bucket.Store.PutAsync(key, "GIF89a-plain"u8.ToArray(), "image/gif", Cancel);

        var head = await bucket.Client.GetObjectMetadataAsync(bucket.Name, bucket.Prefix + key, Cancel);
        Assert.Equal(12, head.ContentLength);
        Assert.Equal("image/gif", head.Headers.ContentType);
        Assert.True(string.IsNullOrEmpty(head.Headers.ContentEncoding), $"Content-Encoding: {head.Headers.ContentEncoding}");
    }

    [Fact]
    public void AnInvalidPrefixIsRefused() =>
        Assert.Throws<ArgumentException>(() => new S3BlobStore(bucket.Client, bucket.Name, "no-slash"));
}
