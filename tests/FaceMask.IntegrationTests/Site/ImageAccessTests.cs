using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using static FaceMask.IntegrationTests.Site.UploadApiTests;

namespace FaceMask.IntegrationTests.Site;

/// <summary>
/// <c>/images/{id}/{kind}</c> and <c>/uploads/{id}</c>: the owner (cookie or HTTP Basic) gets them; anyone else
/// gets exactly the answer for an id that never existed.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed partial class ImageAccessTests(SiteFactory site)
{
    private const string Password = "password-123";
    private static readonly string[] Kinds = ["original", "annotated", "thumbnail"];

    [Theory]
    [InlineData("original", "image/png")]
    [InlineData("annotated", "image/jpeg")]
    [InlineData("thumbnail", "image/jpeg")]
    public async Task OwnerGetsEachImageWithItsTypeAndPrivateCacheHeaders(string kind, string contentType)
    {
        var cancel = TestContext.Current.CancellationToken;
        using var owner = site.NewClient();
        await owner.RegisterNewUserAsync();
        var id = await owner.UploadOkAsync(Photos.SomeMasked, "street.png");

        using var response = await owner.Http.GetAsync($"/images/{id}/{kind}", cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        var cache = response.Headers.CacheControl;
        Assert.NotNull(cache);
        Assert.True(cache.Private);
        Assert.False(cache.Public);
        Assert.True(cache.MaxAge > TimeSpan.Zero);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        var bytes = await response.Content.ReadAsByteArrayAsync(cancel);
        byte[] magic = contentType == "image/png" ? [0x89, 0x50, 0x4E, 0x47] : [0xFF, 0xD8, 0xFF];
        Assert.Equal(magic, bytes[..magic.Length]);
    }

    [Fact]
    public async Task OriginalIsExactlyTheUploadedBytes()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var owner = site.NewClient();
        await owner.RegisterNewUserAsync();
        var photo = Photos.SomeMasked;
        var id = await owner.UploadOkAsync(photo, "street.png");

        var original = await owner.Http.GetByteArrayAsync($"/images/{id}/original", cancel);

        Assert.Equal(photo, original);
    }

    [Theory]
    [InlineData("jpeg-named.png", "image/jpeg")]
    [InlineData("png-named.jpg", "image/png")]
    public async Task OriginalContentTypeComesFromItsBytesNotItsName(string fileName, string contentType)
    {
        var cancel = TestContext.Current.CancellationToken;
        using var owner = site.NewClient();
        await owner.RegisterNewUserAsync();
        var id = await owner.UploadOkAsync(contentType == "image/png" ? Photos.AllMasked : Photos.Demo2, fileName);

        using var response = await owner.Http.GetAsync($"/images/{id}/original", cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("original")]
    [InlineData("annotated")]
    [InlineData("thumbnail")]
    public async Task IfNoneMatchWithTheETagAnswers304WithoutABody(string kind)
    {
        var cancel = TestContext.Current.CancellationToken;
        using var owner = site.NewClient();
        await owner.RegisterNewUserAsync();
        var id = await owner.UploadOkAsync(Photos.Demo2, "demo2.jpg");
        using var first = await owner.Http.GetAsync($"/images/{id}/{kind}", cancel);
        var etag = first.Headers.ETag!;

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/images/{id}/{kind}");
        request.Headers.IfNoneMatch.Add(etag);
        using var again = await owner.Http.SendAsync(request, cancel);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal(etag, again.Headers.ETag);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync(cancel));
    }

    [Fact]
    public async Task AnotherUserGetsTheSame404ForMyUploadAsForAnIdThatNeverExisted()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var owner = site.NewClient();
        await owner.RegisterNewUserAsync();
        var id = await owner.UploadOkAsync(Photos.Demo2, "demo2.jpg");
        var missing = Guid.NewGuid().ToString("N");
        using var other = site.NewClient();
        await other.RegisterNewUserAsync();
        // The next page shows the welcome message once; only one of the two answers compared would have it.
        await other.GetPageAsync("/history");

        foreach (var path in Kinds.Select(kind => $"/images/{{0}}/{kind}").Append("/uploads/{0}"))
        {
            var mine = await AnswerAsync(other.Http, string.Format(path, id), null, cancel);
            var nobodys = await AnswerAsync(other.Http, string.Format(path, missing), null, cancel);
            Assert.Equal(HttpStatusCode.NotFound, mine.Status);
            Assert.Equal(nobodys, mine);
        }
    }

    [Fact]
    public async Task AnotherUserSendingMyETagStillGets404()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var owner = site.NewClient();
        await owner.RegisterNewUserAsync();
        var id = await owner.UploadOkAsync(Photos.Demo2, "demo2.jpg");
        using var first = await owner.Http.GetAsync($"/images/{id}/original", cancel);
        using var other = site.NewClient();
        await other.RegisterNewUserAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/images/{id}/original");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var response = await other.Http.SendAsync(request, cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(response.Headers.ETag);
    }

    [Fact]
    public async Task AnonymousGetsTheSame404ForEveryImageAsForAnIdThatNeverExisted()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var owner = site.NewClient();
        await owner.RegisterNewUserAsync();
        var id = await owner.UploadOkAsync(Photos.Demo2, "demo2.jpg");
        using var anonymous = site.NewClient();

        foreach (var kind in Kinds)
        {
            var answer = await AnswerAsync(anonymous.Http, $"/images/{id}/{kind}", null, cancel);
            Assert.Equal(HttpStatusCode.NotFound, answer.Status);
            Assert.Equal(await AnswerAsync(anonymous.Http, $"/images/{Guid.NewGuid():N}/{kind}", null, cancel), answer);
        }
    }

    [Fact]
    public async Task HttpBasicWithTheOwnersCredentialsGetsEachImage()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var owner = site.NewClient();
        var username = await owner.RegisterNewUserAsync(Password);
        var photo = Photos.SomeMasked;
        var id = await owner.UploadOkAsync(photo, "street.png");
        using var api = site.CreateClient();

        foreach (var kind in Kinds)
        {
            using var response = await GetAsync(api, $"/images/{id}/{kind}", Basic(username, Password), cancel);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (kind == "original")
            {
                Assert.Equal(photo, await response.Content.ReadAsByteArrayAsync(cancel));
            }
        }
    }

    [Theory]
    [InlineData("wrong password")]
    [InlineData("another user")]
    [InlineData("no password")]
    [InlineData("not base64")]
    [InlineData("bearer scheme")]
    public async Task HttpBasicWithAnythingButTheOwnersCredentialsGets404(string credentials)
    {
        var cancel = TestContext.Current.CancellationToken;
        using var owner = site.NewClient();
        var username = await owner.RegisterNewUserAsync(Password);
        var id = await owner.UploadOkAsync(Photos.Demo2, "demo2.jpg");
        using var api = site.CreateClient();
        var authorization = credentials switch
        {
            "wrong password" => Basic(username, "not-the-password"),
            "another user" => Basic(await RegisterAsync(api, Password), Password),
            "no password" => Basic(username, ""),
            "not base64" => new AuthenticationHeaderValue("Basic", "%%%not-base64%%%"),
            "bearer scheme" => new AuthenticationHeaderValue("Bearer", Convert.ToBase64String("x:y"u8.ToArray())),
            _ => throw new ArgumentOutOfRangeException(nameof(credentials)),
        };

        using var response = await GetAsync(api, $"/images/{id}/original", authorization, cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/images/{0}/secret")]
    [InlineData("/images/{0}/Original")]
    [InlineData("/images/{0}/original.png")]
    [InlineData("/images/{0}")]
    [InlineData("/images/{1}/original")]
    public async Task OwnerGets404ForAnythingButTheThreeKindsOfAnUploadId(string template)
    {
        var cancel = TestContext.Current.CancellationToken;
        using var owner = site.NewClient();
        await owner.RegisterNewUserAsync();
        var id = await owner.UploadOkAsync(Photos.Demo2, "demo2.jpg");

        using var response = await owner.Http.GetAsync(string.Format(template, id, id.ToUpperInvariant()), cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>Status, content type and body, with the per-request antiforgery token blanked.</summary>
    private static async Task<Answer> AnswerAsync(HttpClient http, string path, AuthenticationHeaderValue? authorization, CancellationToken cancel)
    {
        using var response = await GetAsync(http, path, authorization, cancel);
        var body = await response.Content.ReadAsStringAsync(cancel);
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.ToString(), Token().Replace(body, "value=\"token\""));
    }

    private sealed record Answer(HttpStatusCode Status, string? ContentType, string Body);

    [GeneratedRegex("(?<=name=\"__RequestVerificationToken\" type=\"hidden\" )value=\"[^\"]+\"")]
    private static partial Regex Token();
}
