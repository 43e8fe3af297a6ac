using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime.Internal.Auth;

namespace FaceMask.Tests.Aws;

/// <summary>What the verifier learnt from a request it accepted.</summary>
public sealed record SignedBy(string AccessKey, string Date, string Region, string Service, IReadOnlyList<string> SignedHeaders, string? SessionToken);

/// <summary>
/// Checks an incoming request's SigV4 Authorization header the way AWS does, independently of the code under test:
/// the canonical request is rebuilt here from the bytes that arrived, and the signature is computed with the AWS
/// SDK's own signer (AWSSDK.Core's AWS4Signer) under the test's secret.
/// </summary>
public sealed class SigV4Verifier(string accessKey, string secretKey, string region, string? sessionToken = null)
{
    private static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    /// <summary>Null when the signature is right; otherwise AWS's error code and message.</summary>
    public (SignedBy? Signer, string? ErrorCode, string? Message) Verify(string method, string rawUrl, NameValueHeaders headers, byte[] body)
    {
        var authorization = headers.Get("Authorization");
        if (authorization is null)
        {
            return (null, "MissingAuthenticationToken", "Request is missing Authentication Token");
        }

        const string prefix = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(prefix, StringComparison.Ordinal))
        {
            return (null, "IncompleteSignature", "Unsupported signing algorithm.");
        }

        var parts = authorization[prefix.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaderList) || !parts.TryGetValue("Signature", out var signature))
        {
            return (null, "IncompleteSignature", "Authorization header requires Credential, SignedHeaders and Signature.");
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            return (null, "IncompleteSignature", $"Bad credential scope: {credential}");
        }

        if (scope[0] != accessKey)
        {
            return (null, "InvalidClientTokenId", "The security token included in the request is invalid.");
        }

        var amzDate = headers.Get("X-Amz-Date");
        if (amzDate is null || !DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return (null, "IncompleteSignature", "X-Amz-Date is missing or malformed.");
        }

        if ((DateTime.UtcNow - signedAt).Duration() > MaxSkew)
        {
            return (null, "SignatureDoesNotMatch", "Signature expired: the request time is too far from the server's.");
        }

        if (scope[1] != amzDate[..8] || scope[2] != region)
        {
            return (null, "SignatureDoesNotMatch", $"Credential should be scoped to a valid region and date ({scope[1]}/{scope[2]}).");
        }

        var signedHeaders = signedHeaderList.Split(';');
        if (!signedHeaders.Contains("host") || !signedHeaders.Contains("x-amz-date"))
        {
            return (null, "SignatureDoesNotMatch", "host and x-amz-date must be signed.");
        }

        var token = headers.Get("X-Amz-Security-Token");
        if (sessionToken is not null && (token != sessionToken || !signedHeaders.Contains("x-amz-security-token")))
        {
            return (null, "InvalidClientTokenId", "The security token included in the request is invalid.");
        }

        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        if (headers.Get("X-Amz-Content-SHA256") is { } declared && declared != payloadHash)
        {
            return (null, "SignatureDoesNotMatch", "The provided x-amz-content-sha256 header does not match the body.");
        }

        var canonical = CanonicalRequest(method, rawUrl, headers, signedHeaders, payloadHash);
        var expected = AWS4Signer.ComputeSignature(accessKey, secretKey, region, signedAt, scope[3], signedHeaderList, canonical).Signature;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
        {
            return (null, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        }

        return (new SignedBy(scope[0], scope[1], scope[2], scope[3], signedHeaders, token), null, null);
    }

    private static string CanonicalRequest(string method, string rawUrl, NameValueHeaders headers, string[] signedHeaders, string payloadHash)
    {
        var question = rawUrl.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? rawUrl : rawUrl[..question];
        var query = question < 0 ? "" : rawUrl[(question + 1)..];
        var sortedQuery = query.Length == 0
            ? ""
            : string.Join('&', query.Split('&').Select(p => p.Split('=', 2)).Select(p => (K: Rfc3986(WebUtility.UrlDecode(p[0])), V: Rfc3986(WebUtility.UrlDecode(p.Length > 1 ? p[1] : ""))))
                .OrderBy(p => p.K, StringComparer.Ordinal).ThenBy(p => p.V, StringComparer.Ordinal).Select(p => p.K + "=" + p.V));
        var lines = new StringBuilder();
        lines.Append(method).Append('\n').Append(path.Length == 0 ? "/" : path).Append('\n').Append(sortedQuery).Append('\n');
        foreach (var name in signedHeaders)
        {
            var value = headers.Get(name) ?? "";
            lines.Append(name).Append(':').Append(string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))).Append('\n');
        }

        return lines.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n').Append(payloadHash).ToString();
    }

    private static string Rfc3986(string value) => Uri.EscapeDataString(value);
}

/// <summary>Case-insensitive request headers, several values of one name joined with commas.</summary>
public sealed class NameValueHeaders(IEnumerable<(string Name, string Value)> headers)
{
    private readonly Dictionary<string, string> _values = headers
        .GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => string.Join(',', g.Select(h => h.Value)), StringComparer.OrdinalIgnoreCase);

    public string? Get(string name) => _values.GetValueOrDefault(name);
}
