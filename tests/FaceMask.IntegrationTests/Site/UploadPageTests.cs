using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using static FaceMask.IntegrationTests.ApiClient;

namespace FaceMask.IntegrationTests.Site;

/// <summary>The upload page, the result page it leads to, and deleting an upload from there.</summary>
[Collection(SiteCollection.Name)]
public sealed partial class UploadPageTests(SiteFactory site)
{
    [Fact]
    public async Task UploadRedirectsToItsPageShowingCountsFaceTableWorkerAndBothImages()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();
        var before = await StoredState.OfAsync(site);

        using var response = await browser.UploadAsync(Photos.AllMasked, "two-masks.png");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.Matches("^/uploads/[0-9a-f]{32}$", location);
        var id = location["/uploads/".Length..];
        var page = await browser.GetPageAsync(location);
        Assert.Contains("<h1>two-masks.png</h1>", page);
        Assert.Contains("All faces masked", page);
        Assert.Contains("<strong id=\"num-faces\">2</strong>", page);
        Assert.Contains("<strong id=\"num-masked\" class=\"ok\">2</strong>", page);
        Assert.Contains("<strong id=\"num-unmasked\" class=\"bad\">0</strong>", page);
        Assert.Contains("<strong id=\"worker\">worker-1</strong>", page);
        var reference = Photos.Reference("maksssksksss1.png");
        var rows = FaceRow().Matches(page);
        Assert.Equal(reference.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal((i + 1).ToString(CultureInfo.InvariantCulture), rows[i].Groups["n"].Value);
            Assert.Equal(reference[i].Label == "Mask" ? "mask" : "nomask", rows[i].Groups["tag"].Value);
            Assert.InRange(double.Parse(rows[i].Groups["pct"].Value, CultureInfo.InvariantCulture), (reference[i].Score * 100) - 1, (reference[i].Score * 100) + 1);
            Photos.AssertBoxNear(reference[i].Box, rows[i].Groups["box"].Value.Split(", ").Select(int.Parse).ToArray());
        }

        foreach (var kind in new[] { "original", "annotated" })
        {
            Assert.Contains($"<img id=\"{kind}\" src=\"/images/{id}/{kind}\"", page);
            using var image = await browser.Http.GetAsync($"/images/{id}/{kind}", cancel);
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        }

        var after = await StoredState.OfAsync(site);
        Assert.Equal(before.Images + 1, after.Images);
        Assert.Equal(before.BlobCount + 3, after.BlobCount);
    }

    [Theory]
    [InlineData("no file part", "Bad Request - No file part")]
    [InlineData("no file chosen", "Bad Request - No image selected for detection")]
    [InlineData("empty file", "Bad Request - No image selected for detection")]
    [InlineData("disallowed extension", "Bad Request -filename:notes.txt - Allowed image types are -> png, jpg, jpeg, gif")]
    [InlineData("text file named .jpg", "Bad Image - Could not parse the image")]
    public async Task BadUploadShowsTheFormAgainWithTheMessageAnd400AndStoresNothing(string problem, string message)
    {
        var cancel = TestContext.Current.CancellationToken;
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();
        var form = problem switch
        {
            "no file part" => new MultipartFormDataContent(),
            "no file chosen" => NoFileChosenForm(),
            "empty file" => PhotoForm([], "empty.png"),
            "disallowed extension" => PhotoForm(Photos.Demo2, "notes.txt"),
            "text file named .jpg" => PhotoForm(BadImages.TextFile, "photo.jpg"),
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };
        form.Add(new StringContent(await browser.TokenAsync("/upload")), "__RequestVerificationToken");
        var before = await StoredState.OfAsync(site);

        using var response = await browser.Http.PostAsync("/upload", form, cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(cancel);
        Assert.Equal(message, AlertIn(page));
        Assert.Contains("<form method=\"post\" enctype=\"multipart/form-data\" class=\"form\" id=\"upload-form\">", page);
        StoredState.AssertNoTrace(page);
        before.AssertUnchanged(await StoredState.OfAsync(site));
    }

    [Fact]
    public async Task UploadPageRequiresSignIn()
    {
        using var anonymous = site.NewClient();

        using var response = await anonymous.Http.GetAsync("/upload", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery());
    }

    [Fact]
    public async Task DeleteRedirectsToHistoryAndRemovesTheRowAndItsThreeBlobs()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();
        var id = await browser.UploadOkAsync(Photos.Demo2, "demo2.jpg");
        var row = (await StoredState.ImageRowAsync(site, id))!;
        string[] blobs = [site.BlobPath(row.OriginalKey), site.BlobPath(row.AnnotatedKey), site.BlobPath(row.ThumbnailKey)];
        Assert.All(blobs, blob => Assert.True(File.Exists(blob), blob));
        var before = await StoredState.OfAsync(site);

        using var response = await browser.PostFormAsync($"/uploads/{id}?handler=Delete", [], formPage: $"/uploads/{id}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/history", response.Headers.Location!.OriginalString);
        Assert.Null(await StoredState.ImageRowAsync(site, id));
        Assert.All(blobs, blob => Assert.False(File.Exists(blob), blob));
        Assert.False(Directory.Exists(Path.GetDirectoryName(blobs[0])));
        var after = await StoredState.OfAsync(site);
        Assert.Equal(before.Images - 1, after.Images);
        Assert.Equal(before.BlobCount - 3, after.BlobCount);
        var history = await browser.GetPageAsync("/history");
        Assert.Contains("The upload is deleted.", history);
        Assert.DoesNotContain(id, history);
        using var page = await browser.Http.GetAsync($"/uploads/{id}", cancel);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
    }

    [Fact]
    public async Task DeletingAnotherUsersUploadIs404AndDeletesNothing()
    {
        using var owner = site.NewClient();
        await owner.RegisterNewUserAsync();
        var id = await owner.UploadOkAsync(Photos.Demo2, "demo2.jpg");
        using var other = site.NewClient();
        await other.RegisterNewUserAsync();
        var before = await StoredState.OfAsync(site);

        using var response = await other.PostFormAsync($"/uploads/{id}?handler=Delete", [], formPage: "/upload");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        before.AssertUnchanged(await StoredState.OfAsync(site));
        Assert.NotNull(await StoredState.ImageRowAsync(site, id));
        Assert.Contains("<h1>demo2.jpg</h1>", await owner.GetPageAsync($"/uploads/{id}"));
    }

    [Fact]
    public async Task DeleteWithoutTheAntiforgeryTokenIsRefusedAndDeletesNothing()
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();
        var id = await browser.UploadOkAsync(Photos.Demo2, "demo2.jpg");
        var before = await StoredState.OfAsync(site);

        using var response = await browser.PostFormAsync($"/uploads/{id}?handler=Delete", [], withToken: false);

        Assert.InRange((int)response.StatusCode, 400, 499);
        before.AssertUnchanged(await StoredState.OfAsync(site));
    }

    /// <summary>The text of the upload page's error alert, decoded; null when there is none.</summary>
    public static string? AlertIn(string html) =>
        Alert().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;

    [GeneratedRegex("<div class=\"alert\" role=\"alert\" id=\"error\">(.*?)</div>", RegexOptions.Singleline)]
    private static partial Regex Alert();

    [GeneratedRegex("""<tr>\s*<td>(?<n>\d+)</td>\s*<td><span class="tag (?<tag>mask|nomask)">[^<]*</span></td>\s*<td>(?<pct>[0-9.]+)%</td>\s*<td><code>(?<box>[^<]*)</code></td>""")]
    private static partial Regex FaceRow();
}

internal static class UriExtensions
{
    /// <summary>Path and query of a relative or absolute redirect location.</summary>
    public static string PathAndQuery(this Uri location) =>
        location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
}
