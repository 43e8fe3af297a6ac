using System.Net;
using FaceMask.IntegrationTests.Site;

namespace FaceMask.IntegrationTests.ManagerSite;

/// <summary>"Delete all application data": every image row and blob goes, accounts stay — only after typing DELETE.</summary>
[Collection(SiteCollection.Name)]
public sealed class DeleteAllDataTests(SiteFactory site)
{
    private const string Home = "/manager";
    private const string Password = "password-123";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("delete")]
    [InlineData("yes")]
    [InlineData("")]
    [InlineData(null)]
    public async Task WithoutTypingDeleteNothingIsDeleted(string? confirm)
    {
        using var user = site.NewClient();
        await user.RegisterNewUserAsync();
        await user.UploadOkAsync(BadImages.Demo2Jpeg, "keep.jpg");
        using var admin = await site.AdminAsync();
        var before = await StoredState.OfAsync(site);

        using var response = await admin.PostFormAsync(
            Home + "?handler=DeleteData", confirm is null ? [] : [new("confirm", confirm)], formPage: Home);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(Ct);
        HtmlAssert.ShowsError("Type DELETE to confirm; nothing was deleted.", page);
        Assert.Equal(30, ManagerHttp.ChartIn(page, "chart-workers").Points);
        before.AssertUnchanged(await StoredState.OfAsync(site));
    }

    [Fact]
    public async Task TypingDeleteRemovesEveryImageRowAndBlobButKeepsAccounts()
    {
        using var user = site.NewClient();
        var username = await user.RegisterNewUserAsync(Password);
        var first = await user.UploadOkAsync(BadImages.Demo2Jpeg, "first.jpg");
        await user.UploadOkAsync(BadImages.Demo2Jpeg, "second.jpg");
        using var admin = await site.AdminAsync();
        var before = await StoredState.OfAsync(site);
        Assert.True(before.Images >= 2);
        Assert.True(site.BlobFiles().Count >= 6);

        using var response = await admin.PostFormAsync(Home + "?handler=DeleteData", [new("confirm", "DELETE")], formPage: Home);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(Home, HtmlAssert.RedirectTarget(response));
        var page = await admin.GetPageAsync(Home);
        HtmlAssert.ShowsFlash($"Deleted {before.Images} uploads and their files.", page);
        var after = await StoredState.OfAsync(site);
        Assert.Equal(0, after.Images);
        Assert.Empty(site.BlobFiles());
        Assert.Empty(after.Files);
        Assert.Equal(before.Users, after.Users);
        Assert.Contains("<strong id=\"images\">0</strong>", page);
        using (var image = await user.Http.GetAsync($"/images/{first}/original", Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, image.StatusCode);
        }

        await HtmlAssert.SignedInAsync(user);
        using var again = site.NewClient();
        using var login = await again.LoginAsync(username, Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        await again.UploadOkAsync(BadImages.Demo2Jpeg, "after.jpg");
    }
}
