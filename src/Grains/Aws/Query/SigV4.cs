using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;

namespace FaceMask.Grains.Aws.Query;

/// <summary>
/// AWS Signature Version 4 (header form) for requests whose body is in memory, as the Query protocol's form posts
/// are. Written from the documented algorithm: canonical request → string to sign → HMAC chain over date, region,
/// service → hex signature in the Authorization header.
/// </summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Adds Host, X-Amz-Date, X-Amz-Security-Token (temporary credentials) and Authorization.</summary>
    public static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, ImmutableCredentials credentials, string region, string service, DateTimeOffset now)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.Host = uri.Authority;
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (!string.IsNullOrEmpty(credentials.Token))
        {
            request.Headers.Remove("X-Amz-Security-Token");
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }

        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["host"] = uri.Authority, ["x-amz-date"] = amzDate };
        if (request.Content?.Headers.TryGetValues("Content-Type", out var contentType) == true)
        {
            headers["content-type"] = string.Join(",", contentType);
        }

        if (!string.IsNullOrEmpty(credentials.Token))
        {
            headers["x-amz-security-token"] = credentials.Token;
        }

        var canonical = CanonicalRequest(request.Method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), headers, HexSha256(body));
        var scope = $"{amzDate[..8]}/{region}/{service}/aws4_request";
        var signature = Signature(credentials.SecretKey, amzDate, scope, canonical);
        request.Headers.TryAddWithoutValidation(
            "Authorization",
            $"{Algorithm} Credential={credentials.AccessKey}/{scope}, SignedHeaders={string.Join(';', headers.Keys)}, Signature={signature}");
    }

    /// <summary>
    /// The canonical request: method, URI-encoded path, sorted query, lower-case headers with trimmed values (inner
    /// runs of spaces folded to one), the signed header list and the payload hash.
    /// </summary>
    public static string CanonicalRequest(string method, string path, string query, IReadOnlyDictionary<string, string> headers, string payloadHash)
    {
        var canonicalPath = string.Join('/', (string.IsNullOrEmpty(path) ? "/" : path).Split('/').Select(s => Encode(Uri.UnescapeDataString(s))));
        var canonicalQuery = string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(kv => (Key: Encode(Uri.UnescapeDataString(kv[0])), Value: Encode(Uri.UnescapeDataString(kv.Length > 1 ? kv[1] : ""))))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .ThenBy(kv => kv.Value, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}={kv.Value}"));
        var sorted = headers.Select(h => (Name: h.Key.ToLowerInvariant(), Value: FoldSpaces(h.Value.Trim())))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var builder = new StringBuilder()
            .Append(method).Append('\n')
            .Append(canonicalPath).Append('\n')
            .Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in sorted)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        return builder.Append('\n')
            .Append(string.Join(';', sorted.Select(h => h.Name))).Append('\n')
            .Append(payloadHash)
            .ToString();
    }

    /// <summary>The hex signature of a canonical request under a credential scope "date/region/service/aws4_request".</summary>
    public static string Signature(string secretKey, string amzDate, string scope, string canonicalRequest)
    {
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{HexSha256(Encoding.UTF8.GetBytes(canonicalRequest))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in scope.Split('/'))
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>AWS's URI encoding: unreserved characters (A-Z a-z 0-9 - _ . ~) as they are, every other UTF-8 byte as %XX.</summary>
    public static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static string FoldSpaces(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c != ' ' || builder.Length == 0 || builder[^1] != ' ')
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
