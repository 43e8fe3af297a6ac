using System.Net;
using Amazon;
using Amazon.S3;
using Amazon.S3.Model;

namespace FaceMask.WebFront.Storage;

/// <summary>
/// Blobs as objects of one private bucket, under <c>Storage:S3:Prefix</c>. Nothing is ever public: no ACL is
/// sent, and WebFront serves images to their owner (ImageEndpoints). S3 writes an object whole or not at
/// all, so a reader never sees half a blob.
/// </summary>
public sealed class S3BlobStore(IAmazonS3 s3, string bucket, string prefix = "") : IBlobStore
{
    private const int DeleteBatch = 1000;

    public string Bucket { get; } = bucket;

    public string Prefix { get; } = prefix.Length == 0 ? "" : BlobKeys.CheckPrefix(prefix);

    /// <summary>The S3 client for the configured endpoint; credentials come from the standard AWS chain only.</summary>
    public static AmazonS3Client CreateClient(S3StorageOptions options)
    {
        var config = new AmazonS3Config { ForcePathStyle = options.ForcePathStyle };
        if (options.ServiceUrl is { } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = options.Region ?? "us-east-1";
        }
        else if (options.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return new AmazonS3Client(config);
    }

    public async Task PutAsync(string key, byte[] content, string contentType, CancellationToken cancellationToken = default)
    {
        using var body = new MemoryStream(content, writable: false);
        await s3.PutObjectAsync(
            new PutObjectRequest
            {
                BucketName = Bucket,
                Key = ObjectKey(key),
                InputStream = body,
                ContentType = contentType,
                // A seekable body signed whole: plain HTTP bodies that every S3-compatible server reads (s3rver
                // stores aws-chunked framing as content), and still signed end to end on AWS.
                UseChunkEncoding = false,
            },
            cancellationToken);
    }

    public async Task<Blob?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var objectKey = ObjectKey(key);
        try
        {
            using var response = await s3.GetObjectAsync(Bucket, objectKey, cancellationToken);
            using var content = new MemoryStream(response.ContentLength > 0 ? (int)response.ContentLength : 0);
            await response.ResponseStream.CopyToAsync(content, cancellationToken);
            var type = string.IsNullOrEmpty(response.Headers.ContentType) ? "application/octet-stream" : response.Headers.ContentType;
            return new Blob(content.ToArray(), type);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        // S3 answers 204 whether or not the key existed, like deleting a missing file.
        await s3.DeleteObjectAsync(Bucket, ObjectKey(key), cancellationToken);

    public async Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        // ListObjects (v1), not v2: s3rver 3.7.1 fails every truncated v2 listing on Node 18+ (its continuation
        // tokens use DES, which OpenSSL 3 no longer offers). Always the first page: what was deleted is gone
        // from it (S3 lists consistently), so no marker has to survive the deletes.
        var request = new ListObjectsRequest { BucketName = Bucket, Prefix = Prefix + BlobKeys.CheckPrefix(prefix), MaxKeys = DeleteBatch };
        while (true)
        {
            var page = await ListWithRetryAsync(request, cancellationToken);
            var keys = (page.S3Objects ?? []).Select(o => new KeyVersion { Key = o.Key }).ToList();
            if (keys.Count == 0)
            {
                return;
            }

            await DeleteBatchAsync(keys, request.Prefix, cancellationToken);
        }
    }

    private async Task<ListObjectsResponse> ListWithRetryAsync(ListObjectsRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await s3.ListObjectsAsync(request, cancellationToken);
            }
            catch (AmazonS3Exception e) when ((int)e.StatusCode >= 500 && attempt < 5)
            {
                // The SDK retried already; a server still busy with the deletes just asked for (s3rver) gets more time.
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }
        }
    }

    private async Task DeleteBatchAsync(List<KeyVersion> keys, string prefix, CancellationToken cancellationToken)
    {
        DeleteObjectsResponse deleted;
        try
        {
            deleted = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = Bucket, Objects = keys, Quiet = true }, cancellationToken);
        }
        catch (AmazonS3Exception e) when ((int)e.StatusCode >= 500)
        {
            // A server error may have deleted part of the batch (s3rver deletes a batch concurrently and trips
            // over its own empty folders). Deleting is idempotent: finish the batch one key at a time.
            foreach (var key in keys)
            {
                await s3.DeleteObjectAsync(Bucket, key.Key, cancellationToken);
            }

            return;
        }

        if (deleted.DeleteErrors is { Count: > 0 } errors)
        {
            throw new IOException(
                $"S3 refused to delete {errors.Count} object(s) under '{prefix}', e.g. '{errors[0].Key}': {errors[0].Code} {errors[0].Message}");
        }
    }

    /// <summary>
    /// Creates the bucket when it is missing: private (no ACL is sent, so only the owner has access) and, where
    /// the server supports it (AWS does), with every public access blocked.
    /// </summary>
    public async Task<BucketSetup> EnsureBucketAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            // ListBucket is a permission the store needs anyway (DeletePrefixAsync); no ACL reads needed.
            await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = Bucket, MaxKeys = 1 }, cancellationToken);
            return BucketSetup.Found;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
        }

        try
        {
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket, UseClientRegion = true }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
            // Another WebFront created it first (s3rver, unlike AWS, answers BucketAlreadyExists to its owner too).
            // A name taken by another account stays an error, and says so.
            try
            {
                await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = Bucket, MaxKeys = 1 }, cancellationToken);
            }
            catch (AmazonS3Exception denied)
            {
                throw new InvalidOperationException($"S3 bucket '{Bucket}' exists but cannot be listed with these credentials: {denied.Message}", e);
            }

            return BucketSetup.Found;
        }

        try
        {
            await s3.PutPublicAccessBlockAsync(
            new PutPublicAccessBlockRequest
            {
                BucketName = Bucket,
                PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration
                {
                    BlockPublicAcls = true,
                    IgnorePublicAcls = true,
                    BlockPublicPolicy = true,
                    RestrictPublicBuckets = true,
                },
            },
            cancellationToken);
            return BucketSetup.CreatedPublicAccessBlocked;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotImplemented)
        {
            // Some S3-compatible servers (s3rver) have no public access blocks; without an ACL it is private anyway.
            return BucketSetup.CreatedWithoutPublicAccessBlock;
        }
    }

    public enum BucketSetup
    {
        Found,
        CreatedPublicAccessBlocked,
        CreatedWithoutPublicAccessBlock,
    }

    private string ObjectKey(string key) => Prefix + BlobKeys.Check(key);
}
