using System.Net;
using System.Text.RegularExpressions;

namespace FaceMask.IntegrationTests.Site;

/// <summary>The history: a user's uploads in four groups, newest first, one group page by page.</summary>
[Collection(SiteCollection.Name)]
public sealed partial class HistoryTests(SiteFactory site)
{
    private static readonly string[] Categories = ["no_face", "all_masked", "none_masked", "some_masked"];

    [Fact]
    public async Task ListsEachUploadInTheGroupOfItsCategoryNewestFirst()
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();
        var uploads = await UploadOneOfEachCategoryAsync(browser);

        var page = await browser.GetPageAsync("/history");

        var groups = GroupsIn(page);
        Assert.Equal(Categories, groups.Keys);
        Assert.Equal([uploads.NoFace], groups["no_face"]);
        Assert.Equal([uploads.NewerAllMasked, uploads.OlderAllMasked], groups["all_masked"]);
        Assert.Equal([uploads.NoneMasked], groups["none_masked"]);
        Assert.Equal([uploads.SomeMasked], groups["some_masked"]);
        var counts = CountsIn(page);
        Assert.Equal(new Dictionary<string, int> { ["no_face"] = 1, ["all_masked"] = 2, ["none_masked"] = 1, ["some_masked"] = 1 }, counts);
        Assert.Contains($"<img src=\"/images/{uploads.SomeMasked}/thumbnail\"", page);
    }

    [Fact]
    public async Task CategoryPageShowsOnlyThatGroupNewestFirst()
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();
        var uploads = await UploadOneOfEachCategoryAsync(browser);

        var page = await browser.GetPageAsync("/history/all_masked");

        Assert.Equal([uploads.NewerAllMasked, uploads.OlderAllMasked], LinkedIds(page));
        Assert.Single(GroupSection().Matches(page));
        Assert.Contains("<section class=\"group\" id=\"group-all_masked\">", page);
        Assert.Contains("<span>Page 1 of 1</span>", page);
        Assert.DoesNotContain("rel=\"next\"", page);
    }

    [Fact]
    public async Task GroupPagesHoldTwentyFourUploadsNewestFirstAndOutOfRangePagesClamp()
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();
        var ids = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            ids.Add(await browser.UploadOkAsync(Photos.Demo2, $"masked-{i}.jpg"));
        }

        var newestFirst = Enumerable.Reverse(ids).ToList();

        var first = await browser.GetPageAsync("/history/all_masked");
        var second = await browser.GetPageAsync("/history/all_masked?page=2");
        Assert.Equal(newestFirst[..24], LinkedIds(first));
        Assert.Contains("<span>Page 1 of 2</span>", first);
        Assert.Contains("<a href=\"?page=2\" rel=\"next\">", first);
        Assert.DoesNotContain("rel=\"prev\"", first);
        Assert.Equal([ids[0]], LinkedIds(second));
        Assert.Contains("<span>Page 2 of 2</span>", second);
        Assert.Contains("<a href=\"?page=1\" rel=\"prev\">", second);
        Assert.DoesNotContain("rel=\"next\"", second);

        Assert.Equal([ids[0]], LinkedIds(await browser.GetPageAsync("/history/all_masked?page=99")));
        Assert.Equal(newestFirst[..24], LinkedIds(await browser.GetPageAsync("/history/all_masked?page=0")));
        Assert.Equal(newestFirst[..24], LinkedIds(await browser.GetPageAsync("/history/all_masked?page=-3")));

        var overview = await browser.GetPageAsync("/history");
        Assert.Equal(newestFirst[..8], GroupsIn(overview)["all_masked"]);
        Assert.Equal(25, CountsIn(overview)["all_masked"]);
        Assert.Contains("<a href=\"/history/all_masked\">See all 25</a>", overview);
    }

    [Fact]
    public async Task EmptyGroupPageSaysNoneOnPageOneOfOne()
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();

        var page = await browser.GetPageAsync("/history/none_masked?page=5");

        Assert.Empty(LinkedIds(page));
        Assert.Contains("<span>Page 1 of 1</span>", page);
        Assert.Contains("None.", page);
    }

    [Theory]
    [InlineData("/history/everything")]
    [InlineData("/history/masked")]
    [InlineData("/history/no_face_")]
    public async Task UnknownCategoryIs404(string path)
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();

        using var response = await browser.Http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task AnotherUsersHistoryNeverShowsMyUploads()
    {
        using var owner = site.NewClient();
        await owner.RegisterNewUserAsync();
        var uploads = await UploadOneOfEachCategoryAsync(owner);
        using var other = site.NewClient();
        await other.RegisterNewUserAsync();

        var overview = await other.GetPageAsync("/history");

        Assert.All(GroupsIn(overview).Values, ids => Assert.Empty(ids));
        Assert.All(CountsIn(overview).Values, count => Assert.Equal(0, count));
        Assert.Contains("Nothing yet.", overview);
        foreach (var category in Categories)
        {
            var page = await other.GetPageAsync($"/history/{category}");
            Assert.Empty(LinkedIds(page));
            Assert.All(uploads.All, id => Assert.DoesNotContain(id, page));
        }
    }

    [Fact]
    public async Task HistoryRequiresSignIn()
    {
        using var anonymous = site.NewClient();

        using var response = await anonymous.Http.GetAsync("/history", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery());
    }

    /// <summary>The ids linked from each group section of a history page, in page order, by category.</summary>
    public static Dictionary<string, List<string>> GroupsIn(string html) =>
        GroupSection().Matches(html).ToDictionary(m => m.Groups["category"].Value, m => LinkedIds(m.Groups["body"].Value));

    /// <summary>Ids of the uploads linked from <paramref name="html"/> (links to <c>/uploads/{id}</c>), in order.</summary>
    public static List<string> LinkedIds(string html) =>
        UploadLink().Matches(html).Select(m => m.Groups[1].Value).ToList();

    private static Dictionary<string, int> CountsIn(string html) =>
        GroupSection().Matches(html).ToDictionary(
            m => m.Groups["category"].Value,
            m => int.Parse(GroupCount().Match(m.Groups["body"].Value).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    private static async Task<Uploads> UploadOneOfEachCategoryAsync(SiteClient browser) => new(
        NoFace: await browser.UploadOkAsync(Photos.NoFace, "qr.jpg"),
        OlderAllMasked: await browser.UploadOkAsync(Photos.AllMasked, "two-masks.png"),
        NoneMasked: await browser.UploadOkAsync(Photos.NoneMasked, "no-masks.png"),
        SomeMasked: await browser.UploadOkAsync(Photos.SomeMasked, "street.png"),
        NewerAllMasked: await browser.UploadOkAsync(Photos.Demo2, "one-mask.jpg"));

    private sealed record Uploads(string NoFace, string OlderAllMasked, string NoneMasked, string SomeMasked, string NewerAllMasked)
    {
        public string[] All => [NoFace, OlderAllMasked, NoneMasked, SomeMasked, NewerAllMasked];
    }

    [GeneratedRegex("""<section class="group" id="group-(?<category>[a-z_]+)">(?<body>.*?)</section>""", RegexOptions.Singleline)]
    private static partial Regex GroupSection();

    [GeneratedRegex("href=\"/uploads/([0-9a-f]{32})\"")]
    private static partial Regex UploadLink();

    [GeneratedRegex("""<h2>[^<]*<span class="count">(\d+)</span>""")]
    private static partial Regex GroupCount();
}
