using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;

namespace FaceMask.IntegrationTests.Site;

/// <summary>The manager's users page: only administrators open it; they create, reset and delete accounts.</summary>
[Collection(SiteCollection.Name)]
public sealed class AdminPageTests(SiteFactory site)
{
    private const string UsersPage = "/admin/users";
    private const string Password = "password-123";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NormalUserIsDeniedWithA403()
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();

        using var response = await browser.Http.GetAsync(UsersPage, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var denied = HtmlAssert.RedirectTarget(response);
        Assert.StartsWith("/denied", denied);
        using var deniedPage = await browser.Http.GetAsync(denied, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, deniedPage.StatusCode);
        var page = await deniedPage.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Only administrators can open that page.", page);
        Assert.DoesNotContain("id=\"users\"", page);
        Assert.DoesNotContain("href=\"/admin/users\"", await browser.GetPageAsync("/upload"));
    }

    [Fact]
    public async Task NormalUserCannotCreateUsers()
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();
        var username = SiteClient.NewUsername();

        using var response = await browser.PostFormAsync(
            UsersPage + "?handler=Create", [new("username", username), new("password", Password), new("admin", "true")], formPage: "/upload");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/denied", HtmlAssert.RedirectTarget(response));
        Assert.Equal(0, await UsersNamedAsync(username));
    }

    [Fact]
    public async Task AnonymousVisitorIsSentToLogin()
    {
        using var browser = site.NewClient();

        using var response = await browser.Http.GetAsync(UsersPage, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Fadmin%2Fusers", HtmlAssert.RedirectTarget(response));
    }

    [Fact]
    public async Task AdministratorSeesRegisteredUsersWithTheirUploadCounts()
    {
        using var user = site.NewClient();
        var username = await user.RegisterNewUserAsync();
        await user.UploadOkAsync(BadImages.Demo2Jpeg, "demo2.jpg");
        using var admin = await AdminAsync();

        var page = await admin.GetPageAsync(UsersPage);

        var row = HtmlAssert.UserRow(page, username);
        Assert.NotNull(row);
        Assert.Contains($"<td>{username}</td>", row);
        Assert.Contains("<td>user</td>", row);
        Assert.Contains("<td>1</td>", row);
        Assert.Contains("<td>administrator</td>", HtmlAssert.UserRow(page, SiteFactory.AdminName));
        Assert.Contains("href=\"/admin/users\"", page);
    }

    [Fact]
    public async Task AdministratorCreatesAUserWhoCanLogIn()
    {
        using var admin = await AdminAsync();
        var username = SiteClient.NewUsername();

        using var response = await admin.PostFormAsync(
            UsersPage + "?handler=Create", [new("username", username), new("password", Password)], formPage: UsersPage);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(UsersPage, HtmlAssert.RedirectTarget(response));
        var page = await admin.GetPageAsync(UsersPage);
        HtmlAssert.ShowsFlash($"Created user {username}.", page);
        Assert.Contains("<td>user</td>", HtmlAssert.UserRow(page, username));
        using var created = site.NewClient();
        using var login = await created.LoginAsync(username, Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        using var denied = await created.Http.GetAsync(UsersPage, Ct);
        Assert.StartsWith("/denied", HtmlAssert.RedirectTarget(denied));
    }

    [Fact]
    public async Task AdministratorCreatesAnotherAdministrator()
    {
        using var admin = await AdminAsync();
        var username = SiteClient.NewUsername();

        using var response = await admin.PostFormAsync(
            UsersPage + "?handler=Create", [new("username", username), new("password", Password), new("admin", "true")], formPage: UsersPage);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        using var created = site.NewClient();
        using (var login = await created.LoginAsync(username, Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }

        Assert.Contains("<td>administrator</td>", HtmlAssert.UserRow(await created.GetPageAsync(UsersPage), username));
    }

    [Theory]
    [InlineData("ab", "A user name has 3 to 32 characters: letters, digits, '_', '.' or '-'.", HttpStatusCode.BadRequest)]
    [InlineData("ADMIN", "The user name 'ADMIN' is already taken.", HttpStatusCode.Conflict)]
    public async Task CreatingAnUnusableNameShowsWhyAndCreatesNothing(string username, string message, HttpStatusCode status)
    {
        using var admin = await AdminAsync();
        var before = await ScalarAsync("SELECT COUNT(*) FROM users;");

        using var response = await admin.PostFormAsync(
            UsersPage + "?handler=Create", [new("username", username), new("password", Password)], formPage: UsersPage);

        Assert.Equal(status, response.StatusCode);
        HtmlAssert.ShowsError(message, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(before, await ScalarAsync("SELECT COUNT(*) FROM users;"));
    }

    [Fact]
    public async Task CreateWithoutAntiforgeryTokenIsRefusedAndCreatesNothing()
    {
        using var admin = await AdminAsync();
        await admin.GetPageAsync(UsersPage);
        var username = SiteClient.NewUsername();

        using var response = await admin.PostFormAsync(
            UsersPage + "?handler=Create", [new("username", username), new("password", Password)], withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await UsersNamedAsync(username));
    }

    [Fact]
    public async Task ResettingAPasswordReplacesItAndSignsOutThatUsersSessions()
    {
        using var user = site.NewClient();
        var username = await user.RegisterNewUserAsync(Password);
        using var admin = await AdminAsync();
        var id = HtmlAssert.UserId(await admin.GetPageAsync(UsersPage), username);

        using var response = await admin.PostFormAsync(
            UsersPage + "?handler=Reset", [new("id", Id(id)), new("password", "reset-password-9")], formPage: UsersPage);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        HtmlAssert.ShowsFlash("The password is reset; that user's sessions are logged out.", await admin.GetPageAsync(UsersPage));
        await HtmlAssert.SignedOutAsync(user);
        await LoginRefusedAsync(username, Password);
        await LoginWorksAsync(username, "reset-password-9");
        await HtmlAssert.SignedInAsync(admin);
    }

    [Fact]
    public async Task ResettingToAShortPasswordIsRefusedAndKeepsTheOldOne()
    {
        using var user = site.NewClient();
        var username = await user.RegisterNewUserAsync(Password);
        using var admin = await AdminAsync();
        var id = HtmlAssert.UserId(await admin.GetPageAsync(UsersPage), username);

        using var response = await admin.PostFormAsync(
            UsersPage + "?handler=Reset", [new("id", Id(id)), new("password", "short")], formPage: UsersPage);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        HtmlAssert.ShowsError("A password has at least 8 characters.", await response.Content.ReadAsStringAsync(Ct));
        await HtmlAssert.SignedInAsync(user);
        await LoginWorksAsync(username, Password);
    }

    [Fact]
    public async Task DeletingAUserRemovesTheirAccountRowsAndBlobsAndSignsThemOut()
    {
        using var user = site.NewClient();
        var username = await user.RegisterNewUserAsync(Password);
        var first = await user.UploadOkAsync(BadImages.Demo2Jpeg, "first.jpg");
        await user.UploadOkAsync(BadImages.Demo2Jpeg, "second.jpg");
        using var admin = await AdminAsync();
        var id = HtmlAssert.UserId(await admin.GetPageAsync(UsersPage), username);
        var folder = Path.Combine(site.BlobDirectory, "users", Id(id)) + Path.DirectorySeparatorChar;
        Assert.Equal(2, await ImagesOfAsync(id));
        Assert.Equal(6, site.BlobFiles().Count(f => f.StartsWith(folder, StringComparison.Ordinal)));
        var othersBlobs = site.BlobFiles().Where(f => !f.StartsWith(folder, StringComparison.Ordinal)).ToList();

        using var response = await admin.PostFormAsync(
            UsersPage + "?handler=Delete", [new("id", Id(id)), new("confirm", "yes")], formPage: UsersPage);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await admin.GetPageAsync(UsersPage);
        HtmlAssert.ShowsFlash($"Deleted {username} and all of their uploads.", page);
        Assert.Null(HtmlAssert.UserRow(page, username));
        Assert.Equal(0, await ImagesOfAsync(id));
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM users WHERE id = $id;", ("$id", id)));
        Assert.DoesNotContain(site.BlobFiles(), f => f.StartsWith(folder, StringComparison.Ordinal));
        Assert.False(Directory.Exists(folder), $"{folder} is still there");
        Assert.Equal(othersBlobs, site.BlobFiles());
        await HtmlAssert.SignedOutAsync(user);
        using var image = await user.Http.GetAsync($"/images/{first}/original", Ct);
        Assert.NotEqual(HttpStatusCode.OK, image.StatusCode);
        await LoginRefusedAsync(username, Password);
    }

    [Fact]
    public async Task DeletingWithoutConfirmationKeepsTheUser()
    {
        using var user = site.NewClient();
        var username = await user.RegisterNewUserAsync(Password);
        using var admin = await AdminAsync();
        var id = HtmlAssert.UserId(await admin.GetPageAsync(UsersPage), username);

        using var response = await admin.PostFormAsync(UsersPage + "?handler=Delete", [new("id", Id(id))], formPage: UsersPage);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        HtmlAssert.ShowsError("Confirm the deletion.", await response.Content.ReadAsStringAsync(Ct));
        await HtmlAssert.SignedInAsync(user);
    }

    [Fact]
    public async Task AdministratorCannotDeleteThemselves()
    {
        using var admin = await AdminAsync();
        var page = await admin.GetPageAsync(UsersPage);
        var id = HtmlAssert.UserId(page, SiteFactory.AdminName);
        Assert.DoesNotContain("handler=Delete", HtmlAssert.UserRow(page, SiteFactory.AdminName));

        using var response = await admin.PostFormAsync(
            UsersPage + "?handler=Delete", [new("id", Id(id)), new("confirm", "yes")], formPage: UsersPage);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        HtmlAssert.ShowsError("You cannot delete your own account here.", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM users WHERE id = $id;", ("$id", id)));
        await HtmlAssert.SignedInAsync(admin);
        await admin.GetPageAsync(UsersPage);
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private async Task<SiteClient> AdminAsync()
    {
        var admin = site.NewClient();
        using var login = await admin.LoginAsync(SiteFactory.AdminName, SiteFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return admin;
    }

    private async Task LoginWorksAsync(string username, string password)
    {
        using var browser = site.NewClient();
        using var response = await browser.LoginAsync(username, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"logging in as {username} answered {(int)response.StatusCode}");
        await HtmlAssert.SignedInAsync(browser);
    }

    private async Task LoginRefusedAsync(string username, string password)
    {
        using var browser = site.NewClient();
        using var response = await browser.LoginAsync(username, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        HtmlAssert.ShowsError("Wrong user name or password.", await response.Content.ReadAsStringAsync(Ct));
        await HtmlAssert.SignedOutAsync(browser);
    }

    private async Task<long> ImagesOfAsync(long userId) =>
        await ScalarAsync("SELECT COUNT(*) FROM images WHERE user_id = $id;", ("$id", userId));

    private async Task<long> UsersNamedAsync(string username) =>
        await ScalarAsync("SELECT COUNT(*) FROM users WHERE username_key = $key;", ("$key", username.ToLowerInvariant()));

    private async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = site.DatabaseFile, Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
