using Amazon.S3;
using Amazon.S3.Model;
using FaceMask.IntegrationTests.Storage;
using FaceMask.WebFront.Storage;

namespace FaceMask.IntegrationTests.ClusterProfile;

/// <summary>What the audit found, for the test's output.</summary>
public sealed record AuditSummary(int Rows, int Objects, int OriginalsCompared, TimeSpan Took);

/// <summary>
/// Checks the shared stores against what the load was told: every accepted upload has its row (through the app's
/// own MySQL stores) and its original (byte for byte), annotated and thumbnail objects in the bucket; and nothing
/// else is there — no row and no object of an upload that was refused, and no object without its row.
/// </summary>
public static class UploadAudit
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<AuditSummary> CheckAsync(ClusterProfileSystem system, IReadOnlyList<UploadShot> shots)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var users = new MySqlUserStore(system.AppDatabase, TimeProvider.System);
        var images = new MySqlImageStore(system.AppDatabase);
        using var s3 = TestServices.S3Client();
        var problems = new List<string>();
        int rows = 0, objects = 0, compared = 0;

        foreach (var group in shots.GroupBy(s => s.By.Username))
        {
            var user = await users.FindAsync(group.Key, Cancel) ?? throw new InvalidOperationException($"user {group.Key} is gone");
            var accepted = group.Where(s => s.Accepted).ToList();
            var stored = await AllImagesAsync(images, user.Id);
            var listed = await ObjectsAsync(s3, system.Bucket, ClusterProfileSystem.Prefix + BlobKeys.UserPrefix(user.Id));
            rows += stored.Count;
            objects += listed.Count;

            foreach (var shot in accepted)
            {
                if (shot.ImageId is null || stored.GetValueOrDefault(shot.ImageId) is not { } image)
                {
                    problems.Add($"200 for {shot.Photo.FileName} by {shot.By.Username} on {shot.By.Front} (id {shot.ImageId}) has no row");
                    continue;
                }

                if (image.NumFaces != shot.Faces || image.Worker != shot.Worker || image.FileName != shot.Photo.FileName)
                {
                    problems.Add($"row {image.Id} says {image.NumFaces} faces by {image.Worker} for {image.FileName}; the answer said {shot.Faces} by {shot.Worker} for {shot.Photo.FileName}");
                }

                foreach (var key in new[] { image.OriginalKey, image.AnnotatedKey, image.ThumbnailKey })
                {
                    if (!listed.TryGetValue(ClusterProfileSystem.Prefix + key, out var size) || size == 0)
                    {
                        problems.Add($"200 {image.Id}: object {key} is missing or empty");
                    }
                }

                var original = await GetAsync(s3, system.Bucket, ClusterProfileSystem.Prefix + image.OriginalKey);
                compared++;
                if (original is null || !original.AsSpan().SequenceEqual(shot.Photo.Bytes))
                {
                    problems.Add($"200 {image.Id}: the stored original is not the {shot.Photo.FileName} that was sent");
                }
            }

            // Nothing of a refused upload, nothing without its row.
            var acceptedIds = accepted.Select(s => s.ImageId).ToHashSet();
            problems.AddRange(stored.Keys.Where(id => !acceptedIds.Contains(id)).Select(id => $"row {id} of {group.Key} was never answered 200"));
            var expectedKeys = stored.Values
                .SelectMany(i => new[] { i.OriginalKey, i.AnnotatedKey, i.ThumbnailKey })
                .Select(k => ClusterProfileSystem.Prefix + k)
                .ToHashSet();
            problems.AddRange(listed.Keys.Where(k => !expectedKeys.Contains(k)).Select(k => $"orphan object {k}"));
        }

        Assert.True(problems.Count == 0, $"{problems.Count} problem(s):\n" + string.Join("\n", problems.Take(50)));
        return new AuditSummary(rows, objects, compared, clock.Elapsed);
    }

    private static async Task<Dictionary<string, StoredImage>> AllImagesAsync(MySqlImageStore images, long userId)
    {
        var all = new Dictionary<string, StoredImage>();
        const int Page = 500;
        for (var skip = 0; ; skip += Page)
        {
            var page = await images.ListAsync(userId, null, skip, Page, Cancel);
            foreach (var image in page)
            {
                all.Add(image.Id, image);
            }

            if (page.Count < Page)
            {
                return all;
            }
        }
    }

    /// <summary>Key → size of every object under <paramref name="prefix"/> (v1 listing with markers: what s3rver pages).</summary>
    private static async Task<Dictionary<string, long>> ObjectsAsync(IAmazonS3 s3, string bucket, string prefix)
    {
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        string? marker = null;
        while (true)
        {
            var page = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, Prefix = prefix, Marker = marker }, Cancel);
            foreach (var item in page.S3Objects ?? [])
            {
                found[item.Key] = item.Size ?? 0;
            }

            if (page.IsTruncated != true || page.S3Objects is not { Count: > 0 } objects)
            {
                return found;
            }

            marker = objects[^1].Key;
        }
    }

    private static async Task<byte[]?> GetAsync(IAmazonS3 s3, string bucket, string key)
    {
        try
        {
            using var response = await s3.GetObjectAsync(bucket, key, Cancel);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, Cancel);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
