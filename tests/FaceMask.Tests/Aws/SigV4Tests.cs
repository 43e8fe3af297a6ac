using System.Net.Http.Headers;
using System.Text;
using Amazon.Runtime;
using FaceMask.Grains.Aws.Query;

namespace FaceMask.Tests.Aws;

public sealed class SigV4Tests
{
    [Fact]
    public void SignsTheDocumentedExampleRequestToTheDocumentedSignature()
    {
        // AWS's published SigV4 example: POST to IAM ListUsers with the documented example credentials and time.
        var body = Encoding.UTF8.GetBytes("Action=ListUsers&Version=2010-05-08");
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://iam.amazonaws.com/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded; charset=utf-8");

        SigV4.Sign(request, body, new ImmutableCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null),
            "us-east-1", "iam", new DateTimeOffset(2011, 9, 9, 23, 36, 0, TimeSpan.Zero));

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20110909/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, "
            + "Signature=ced6826de92d2bdeed8f846f0bf508e8559e98e4b0199114b84c54174deb456c",
            string.Join(",", request.Headers.GetValues("Authorization")));
        Assert.Equal("20110909T233600Z", Assert.Single(request.Headers.GetValues("X-Amz-Date")));
        Assert.False(request.Headers.Contains("X-Amz-Security-Token"));
    }

    [Fact]
    public void TemporaryCredentialsSignTheSecurityTokenToo()
    {
        var body = Encoding.UTF8.GetBytes("Action=DescribeTargetHealth&Version=2015-12-01");
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://elasticloadbalancing.eu-west-1.amazonaws.com/") { Content = new ByteArrayContent(body) };

        SigV4.Sign(request, body, new ImmutableCredentials("ASIAEXAMPLE", "secret", "session-token"), "eu-west-1", "elasticloadbalancing", DateTimeOffset.UtcNow);

        Assert.Equal("session-token", Assert.Single(request.Headers.GetValues("X-Amz-Security-Token")));
        Assert.Contains("SignedHeaders=host;x-amz-date;x-amz-security-token,", Assert.Single(request.Headers.GetValues("Authorization")));
        Assert.Equal("elasticloadbalancing.eu-west-1.amazonaws.com", request.Headers.Host);
    }

    [Theory]
    [InlineData("abc-_.~XYZ019", "abc-_.~XYZ019")]
    [InlineData("a b", "a%20b")]
    [InlineData("a+b=c&d/e:f", "a%2Bb%3Dc%26d%2Fe%3Af")]
    [InlineData("é", "%C3%A9")]
    public void EncodesAllButUnreservedCharacters(string value, string encoded) => Assert.Equal(encoded, SigV4.Encode(value));

    [Fact]
    public void CanonicalRequestSortsTheQueryAndHeadersAndFoldsSpaces()
    {
        var canonical = SigV4.CanonicalRequest(
            "GET", "/a b/c", "b=2&a=1&a=0",
            new Dictionary<string, string> { ["X-Amz-Date"] = "20260101T000000Z", ["Host"] = "example.com", ["x-custom"] = "  one   two " },
            SigV4.HexSha256([]));

        Assert.Equal(
            "GET\n/a%20b/c\na=0&a=1&b=2\nhost:example.com\nx-amz-date:20260101T000000Z\nx-custom:one two\n\nhost;x-amz-date;x-custom\n"
            + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            canonical);
    }

    [Fact]
    public void QueryFormBodyPutsActionAndVersionFirstAndEncodesValues()
    {
        var body = AwsQueryClient.FormBody("RegisterTargets", "2015-12-01",
            [KeyValuePair.Create("TargetGroupArn", "arn:aws:x/y"), KeyValuePair.Create("Targets.member.1.Id", "i-1")]);

        Assert.Equal("Action=RegisterTargets&Version=2015-12-01&TargetGroupArn=arn%3Aaws%3Ax%2Fy&Targets.member.1.Id=i-1", body);
    }
}
