using System.Net;
using Amazon;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Util;

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
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = Prefix + BlobKeys.CheckPrefix(prefix), MaxKeys = DeleteBatch };
        while (true)
        {
            // Deleting while listing is fine: continuation tokens are positions in key order, not snapshots.
            var page = await s3.ListObjectsV2Async(request, cancellationToken);
            var keys = (page.S3Objects ?? []).Select(o => new KeyVersion { Key = o.Key }).ToList();
            if (keys.Count > 0)
            {
                var deleted = await s3.DeleteObjectsAsync(
                    new DeleteObjectsRequest { BucketName = Bucket, Objects = keys, Quiet = true }, cancellationToken);
                if (deleted.DeleteErrors is { Count: > 0 } errors)
                {
                    throw new IOException(
                        $"S3 refused to delete {errors.Count} object(s) under '{request.Prefix}', e.g. '{errors[0].Key}': {errors[0].Code} {errors[0].Message}");
                }
            }

            if (page.IsTruncated != true)
            {
                return;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <summary>
    /// Creates the bucket when it is missing: private (no ACL is sent, so only the owner has access) and, on
    /// AWS, with every public access blocked. Returns whether it created it.
    /// </summary>
    public async Task<bool> EnsureBucketAsync(CancellationToken cancellationToken = default)
    {
        if (await AmazonS3Util.DoesS3BucketExistV2Async(s3, Bucket))
        {
            return false;
        }

        try
        {
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket, UseClientRegion = true }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou")
        {
            // Another WebFront created it first.
            return false;
        }

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
        return true;
    }

    private string ObjectKey(string key) => Prefix + BlobKeys.Check(key);
}
