using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;

namespace FaceMask.Grains.Aws.Query;

/// <summary>Where a Query-protocol service lives and how its requests are signed.</summary>
/// <param name="Service">Name used in messages, e.g. "ELBv2".</param>
/// <param name="Url">The endpoint; a local listener in tests.</param>
/// <param name="Region">The signing region.</param>
/// <param name="SigningName">The service name in the credential scope, e.g. "elasticloadbalancing", "monitoring".</param>
/// <param name="Version">The API version sent with every action.</param>
public sealed record AwsQueryEndpoint(string Service, Uri Url, string Region, string SigningName, string Version);

/// <summary>
/// A small client for AWS's Query protocol: form-encoded POST of Action, Version and flattened parameters, signed
/// with SigV4; XML answers; XML errors mapped to <see cref="AwsApiException"/>; bounded retries.
/// </summary>
public sealed class AwsQueryClient(HttpClient http, AwsQueryEndpoint endpoint, AWSCredentials credentials, AwsRetryPolicy retry, TimeProvider time)
{
    private const string FormContentType = "application/x-www-form-urlencoded; charset=utf-8";

    public AwsQueryEndpoint Endpoint => endpoint;

    /// <summary>Calls <paramref name="action"/> and answers the root element of its response document.</summary>
    public Task<XElement> SendAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(FormBody(action, endpoint.Version, parameters));
        return retry.ExecuteAsync(endpoint.Service, action, token => SendOnceAsync(action, body, token), cancellationToken);
    }

    /// <summary>The form body: Action and Version first, then the parameters in the order given, AWS-URI-encoded.</summary>
    public static string FormBody(string action, string version, IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', new[] { KeyValuePair.Create("Action", action), KeyValuePair.Create("Version", version) }
            .Concat(parameters)
            .Select(p => $"{SigV4.Encode(p.Key)}={SigV4.Encode(p.Value)}"));

    private async Task<XElement> SendOnceAsync(string action, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(FormContentType);
        var identity = await credentials.GetCredentialsAsync();
        SigV4.Sign(request, body, identity, endpoint.Region, endpoint.SigningName, time.GetUtcNow());

        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Error(action, response.StatusCode, text);
        }

        try
        {
            return XDocument.Parse(text).Root ?? throw new XmlException("empty document");
        }
        catch (XmlException ex)
        {
            throw new AwsApiException(endpoint.Service, action, response.StatusCode, "MalformedResponse", $"the answer is not XML ({ex.Message})", null, ex);
        }
    }

    /// <summary>
    /// The Query error document (ErrorResponse/Error/Code, Message; RequestId), or EC2's (Response/Errors/Error;
    /// RequestID); an answer that is not XML (a proxy's 502 page) keeps its status and a short excerpt.
    /// </summary>
    internal AwsApiException Error(string action, HttpStatusCode status, string text)
    {
        try
        {
            var root = XDocument.Parse(text).Root!;
            var error = root.DescendantsAndSelf().FirstOrDefault(e => e.Name.LocalName == "Error");
            var requestId = root.Descendants().FirstOrDefault(e => e.Name.LocalName is "RequestId" or "RequestID")?.Value;
            if (error is not null)
            {
                return new AwsApiException(
                    endpoint.Service, action, status, error.Child("Code")?.Value ?? $"Http{(int)status}", error.Child("Message")?.Value ?? "", requestId);
            }
        }
        catch (XmlException)
        {
            // Not an AWS error document.
        }

        var excerpt = text.Length > 200 ? text[..200] : text;
        return new AwsApiException(endpoint.Service, action, status, $"Http{(int)status}", excerpt.Trim(), null);
    }
}

/// <summary>Namespace-agnostic navigation of AWS response documents (each service has its own XML namespace).</summary>
public static class AwsXml
{
    public static XElement? Child(this XElement element, string localName) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    public static IEnumerable<XElement> Children(this XElement element, string localName) =>
        element.Elements().Where(e => e.Name.LocalName == localName);

    /// <summary>The items of a Query list: &lt;Name&gt;&lt;member&gt;…&lt;/member&gt;…&lt;/Name&gt;.</summary>
    public static IEnumerable<XElement> Members(this XElement element, string listName) =>
        element.Child(listName)?.Children("member") ?? [];

    /// <summary>The &lt;Action&gt;Result element of a Query response, checked against the action asked.</summary>
    public static XElement Result(this XElement root, string action) =>
        root.Name.LocalName == action + "Response"
            ? root.Child(action + "Result") ?? new XElement(action + "Result")
            : throw new XmlException($"expected {action}Response, got {root.Name.LocalName}");
}
