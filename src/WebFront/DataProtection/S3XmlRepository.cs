using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace FaceMask.WebFront.DataProtection;

/// <summary>
/// The Data Protection key ring as objects under <c>&lt;prefix&gt;keyring/</c> of the private bucket, so that
/// every WebFront on the bucket reads and writes the same keys. Each element is its own object and is never
/// overwritten (a random suffix keeps two WebFronts from writing the same name).
/// </summary>
/// <remarks>
/// IXmlRepository is synchronous and the S3 SDK is not; ASP.NET calls the repository rarely (start-up, a key
/// roll-over, a refresh), so waiting on a pool thread is acceptable here.
/// </remarks>
public sealed partial class S3XmlRepository(IAmazonS3 s3, string bucket, string prefix) : IXmlRepository
{
    public const string Folder = "keyring/";

    public string KeyPrefix { get; } = prefix + Folder;

    public IReadOnlyCollection<XElement> GetAllElements() => Task.Run(GetAllElementsAsync).GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName) =>
        Task.Run(() => StoreElementAsync(element, friendlyName)).GetAwaiter().GetResult();

    public async Task<IReadOnlyCollection<XElement>> GetAllElementsAsync()
    {
        var keys = new List<string>();
        // ListObjects (v1) with markers: see S3BlobStore.DeletePrefixAsync for why not v2.
        var request = new ListObjectsRequest { BucketName = bucket, Prefix = KeyPrefix };
        while (true)
        {
            var page = await s3.ListObjectsAsync(request);
            var found = (page.S3Objects ?? []).Select(o => o.Key).ToList();
            keys.AddRange(found);
            if (page.IsTruncated != true || found.Count == 0)
            {
                break;
            }

            request.Marker = found[^1];
        }

        var elements = new List<XElement>(keys.Count);
        foreach (var key in keys.Order(StringComparer.Ordinal))
        {
            using var response = await s3.GetObjectAsync(bucket, key);
            elements.Add(await XElement.LoadAsync(response.ResponseStream, LoadOptions.None, CancellationToken.None));
        }

        return elements;
    }

    public async Task StoreElementAsync(XElement element, string friendlyName)
    {
        var name = $"{UnsafeChars().Replace(friendlyName, "_")}-{Guid.NewGuid():N}.xml";
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(element.ToString(SaveOptions.DisableFormatting)), writable: false);
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = KeyPrefix + name,
            InputStream = body,
            ContentType = "application/xml",
            UseChunkEncoding = false,
        });
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex UnsafeChars();
}
