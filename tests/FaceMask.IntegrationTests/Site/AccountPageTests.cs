using System.Net;
using Microsoft.Data.Sqlite;

namespace FaceMask.IntegrationTests.Site;

/// <summary>Register, log in, log out and change the password through the pages, as a browser does.</summary>
[Collection(SiteCollection.Name)]
public sealed class AccountPageTests(SiteFactory site)
{
    private const string Password = "password-123";
    private const string NameRule = "A user name has 3 to 32 characters: letters, digits, '_', '.' or '-'.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RegisteringCreatesTheAccountAndSignsIn()
    {
        using var browser = site.NewClient();
        var username = SiteClient.NewUsername();

        using var response = await browser.RegisterAsync(username, Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/upload", HtmlAssert.RedirectTarget(response));
        var upload = await browser.GetPageAsync("/upload");
        HtmlAssert.ShowsFlash($"Welcome, {username}. Upload your first photo.", upload);
        Assert.Contains(">Upload a photo</h1>", upload);
        await browser.GetPageAsync("/history");
        Assert.Equal(1, await UsersNamedAsync(username));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RegisteringATakenNameShowsAConflictAndCreatesNothing(bool otherCase)
    {
        using var first = site.NewClient();
        var username = await first.RegisterNewUserAsync();
        var again = otherCase ? username.ToUpperInvariant() : username;
        using var second = site.NewClient();

        using var response = await second.RegisterAsync(again, "another-password");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        HtmlAssert.ShowsError($"The user name '{again}' is already taken.", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, await UsersNamedAsync(username));
        await HtmlAssert.SignedOutAsync(second);
        await LoginRefusedAsync(username, "another-password");
    }

    [Theory]
    [InlineData("", "Enter a user name.")]
    [InlineData("ab", NameRule)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", NameRule)]
    [InlineData("two words", NameRule)]
    [InlineData(" padded ", NameRule)]
    [InlineData("jörg", NameRule)]
    [InlineData("用户名字", NameRule)]
    [InlineData("<script>alert(1)</script>", NameRule)]
    [InlineData("a'); DROP TABLE users;--", NameRule)]
    [InlineData("a/b", NameRule)]
    public async Task RegisteringAnInvalidNameShowsTheRuleAndCreatesNothing(string username, string message)
    {
        using var browser = site.NewClient();
        var before = await UserCountAsync();

        using var response = await browser.RegisterAsync(username, Password);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(Ct);
        HtmlAssert.ShowsError(message, page);
        Assert.DoesNotContain("<script>alert", page);
        Assert.Equal(0, await UsersNamedAsync(username));
        Assert.Equal(before, await UserCountAsync());
        await HtmlAssert.SignedOutAsync(browser);
    }

    [Fact]
    public async Task ThirtyTwoCharacterNameWithEveryAllowedSymbolIsAccepted()
    {
        using var browser = site.NewClient();
        var username = ("A_b.c-" + Guid.NewGuid().ToString("N"))[..32];

        using var response = await browser.RegisterAsync(username, Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(1, await UsersNamedAsync(username));
    }

    [Fact]
    public async Task RegisteringWithAShortPasswordShowsTheRuleAndCreatesNothing()
    {
        using var browser = site.NewClient();
        var username = SiteClient.NewUsername();

        using var response = await browser.RegisterAsync(username, "seven-7");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        HtmlAssert.ShowsError("A password has at least 8 characters.", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(0, await UsersNamedAsync(username));
    }

    [Fact]
    public async Task RegisteringWithDifferentConfirmationShowsTheDifferenceAndCreatesNothing()
    {
        using var browser = site.NewClient();
        var username = SiteClient.NewUsername();

        using var response = await browser.PostFormAsync(
            "/register", [new("Username", username), new("Password", Password), new("Confirm", Password + "x")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        HtmlAssert.ShowsError("The two passwords differ.", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(0, await UsersNamedAsync(username));
    }

    [Fact]
    public async Task WrongPasswordShowsAnErrorAndIssuesNoAuthCookie()
    {
        var username = await RegisteredUserAsync();
        using var browser = site.NewClient();

        using var response = await browser.LoginAsync(username, "wrong-password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        HtmlAssert.ShowsError("Wrong user name or password.", await response.Content.ReadAsStringAsync(Ct));
        Assert.Null(AuthCookie(response));
        await HtmlAssert.SignedOutAsync(browser);
    }

    [Fact]
    public async Task UnknownUserGetsTheSameAnswerAsAWrongPassword()
    {
        using var browser = site.NewClient();

        using var response = await browser.LoginAsync(SiteClient.NewUsername(), Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        HtmlAssert.ShowsError("Wrong user name or password.", await response.Content.ReadAsStringAsync(Ct));
        Assert.Null(AuthCookie(response));
    }

    [Fact]
    public async Task RightPasswordIssuesAnHttpOnlyCookieAndGoesToTheLocalReturnUrl()
    {
        var username = await RegisteredUserAsync();
        using var browser = site.NewClient();

        using var response = await browser.PostFormAsync(
            "/login", [new("Username", username.ToUpperInvariant()), new("Password", Password), new("ReturnUrl", "/history?category=no_face")]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/history?category=no_face", HtmlAssert.RedirectTarget(response));
        var cookie = AuthCookie(response);
        Assert.NotNull(cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        await HtmlAssert.SignedInAsync(browser);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("http://localhost.evil.example/upload")]
    [InlineData("javascript:alert(1)")]
    public async Task ReturnUrlOffTheSiteGoesToUploadInstead(string returnUrl)
    {
        var username = await RegisteredUserAsync();
        using var browser = site.NewClient();

        using var response = await browser.PostFormAsync(
            "/login", [new("Username", username), new("Password", Password), new("ReturnUrl", returnUrl)]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/upload", response.Headers.Location!.OriginalString);
        await HtmlAssert.SignedInAsync(browser);
    }

    [Fact]
    public async Task SignedOutVisitorIsSentToLoginAndBackToThePageAskedFor()
    {
        var username = await RegisteredUserAsync();
        using var browser = site.NewClient();

        using var visit = await browser.Http.GetAsync("/upload", Ct);
        Assert.Equal(HttpStatusCode.Redirect, visit.StatusCode);
        var loginPage = HtmlAssert.RedirectTarget(visit);
        Assert.Equal("/login?ReturnUrl=%2Fupload", loginPage);

        var form = await browser.GetPageAsync(loginPage);
        var returnUrl = HtmlAssert.InputValue(form, "ReturnUrl");
        Assert.Equal("/upload", returnUrl);
        using var login = await browser.PostFormAsync(
            loginPage, [new("Username", username), new("Password", Password), new("ReturnUrl", returnUrl)]);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/upload", HtmlAssert.RedirectTarget(login));
        await HtmlAssert.SignedInAsync(browser);
    }

    [Fact]
    public async Task LoggingOutByPostSignsOut()
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();

        using var response = await browser.PostFormAsync("/logout", [], formPage: "/upload");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", HtmlAssert.RedirectTarget(response));
        await HtmlAssert.SignedOutAsync(browser);
        using var history = await browser.Http.GetAsync("/history", Ct);
        Assert.Equal("/login?ReturnUrl=%2Fhistory", HtmlAssert.RedirectTarget(history));
    }

    [Fact]
    public async Task OpeningTheLogoutAddressDoesNotSignOut()
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();

        await browser.GetPageAsync("/logout");

        await HtmlAssert.SignedInAsync(browser);
    }

    [Fact]
    public async Task LoginWithoutAntiforgeryTokenIsRefusedAndSignsNobodyIn()
    {
        var username = await RegisteredUserAsync();
        using var browser = site.NewClient();
        await browser.GetPageAsync("/login");

        using var response = await browser.PostFormAsync(
            "/login", [new("Username", username), new("Password", Password)], withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(AuthCookie(response));
        await HtmlAssert.SignedOutAsync(browser);
    }

    [Fact]
    public async Task RegisterWithoutAntiforgeryTokenIsRefusedAndCreatesNothing()
    {
        using var browser = site.NewClient();
        await browser.GetPageAsync("/register");
        var username = SiteClient.NewUsername();

        using var response = await browser.PostFormAsync(
            "/register", [new("Username", username), new("Password", Password), new("Confirm", Password)], withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await UsersNamedAsync(username));
        await HtmlAssert.SignedOutAsync(browser);
    }

    [Fact]
    public async Task UploadWithoutAntiforgeryTokenIsRefusedAndStoresNothing()
    {
        using var browser = site.NewClient();
        var username = await browser.RegisterNewUserAsync();
        await browser.GetPageAsync("/upload");
        var blobsBefore = site.BlobFiles();

        using var response = await browser.Http.PostAsync("/upload", ApiClient.PhotoForm(BadImages.Demo2Jpeg, "demo2.jpg"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(blobsBefore, site.BlobFiles());
        Assert.Equal(0, await ScalarAsync(
            "SELECT COUNT(*) FROM images i JOIN users u ON u.id = i.user_id WHERE u.username = $name;", ("$name", username)));
    }

    [Fact]
    public async Task PasswordChangeWithoutAntiforgeryTokenIsRefusedAndKeepsThePassword()
    {
        using var browser = site.NewClient();
        var username = await browser.RegisterNewUserAsync(Password);
        await browser.GetPageAsync("/account/password");

        using var response = await browser.PostFormAsync(
            "/account/password",
            [new("Current", Password), new("Replacement", "replacement-456"), new("Confirm", "replacement-456")],
            withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await HtmlAssert.SignedInAsync(browser);
        await LoginWorksAsync(username, Password);
        await LoginRefusedAsync(username, "replacement-456");
    }

    [Fact]
    public async Task LogoutWithoutAntiforgeryTokenIsRefusedAndKeepsTheSession()
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();

        using var response = await browser.PostFormAsync("/logout", [], withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await HtmlAssert.SignedInAsync(browser);
    }

    [Fact]
    public async Task PasswordPageNeedsASignedInUser()
    {
        using var browser = site.NewClient();

        using var response = await browser.Http.GetAsync("/account/password", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Faccount%2Fpassword", HtmlAssert.RedirectTarget(response));
    }

    [Fact]
    public async Task WrongCurrentPasswordIsRefusedAndKeepsThePassword()
    {
        using var browser = site.NewClient();
        var username = await browser.RegisterNewUserAsync(Password);

        using var response = await ChangePasswordAsync(browser, "not-the-password", "replacement-456", "replacement-456");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        HtmlAssert.ShowsError("The current password is not right.", await response.Content.ReadAsStringAsync(Ct));
        await HtmlAssert.SignedInAsync(browser);
        await LoginWorksAsync(username, Password);
        await LoginRefusedAsync(username, "replacement-456");
    }

    [Theory]
    [InlineData("replacement-456", "replacement-789", "The two new passwords differ.")]
    [InlineData("short", "short", "A password has at least 8 characters.")]
    public async Task UnusableNewPasswordIsRefusedAndKeepsThePassword(string replacement, string confirm, string message)
    {
        using var browser = site.NewClient();
        var username = await browser.RegisterNewUserAsync(Password);

        using var response = await ChangePasswordAsync(browser, Password, replacement, confirm);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        HtmlAssert.ShowsError(message, await response.Content.ReadAsStringAsync(Ct));
        await LoginWorksAsync(username, Password);
    }

    [Fact]
    public async Task ChangingThePasswordSignsOutOtherSessionsButKeepsThisOne()
    {
        using var browser = site.NewClient();
        var username = await browser.RegisterNewUserAsync(Password);
        using var otherDevice = site.NewClient();
        using (var login = await otherDevice.LoginAsync(username, Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }

        await HtmlAssert.SignedInAsync(otherDevice);

        using var response = await ChangePasswordAsync(browser, Password, "replacement-456", "replacement-456");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/upload", HtmlAssert.RedirectTarget(response));
        HtmlAssert.ShowsFlash("Your password is changed. Other sessions are logged out.", await browser.GetPageAsync("/upload"));
        await HtmlAssert.SignedOutAsync(otherDevice);
        await LoginWorksAsync(username, "replacement-456");
        await LoginRefusedAsync(username, Password);
    }

    private static async Task<HttpResponseMessage> ChangePasswordAsync(SiteClient browser, string current, string replacement, string confirm) =>
        await browser.PostFormAsync(
            "/account/password", [new("Current", current), new("Replacement", replacement), new("Confirm", confirm)]);

    private static string? AuthCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.FirstOrDefault(c => c.StartsWith("facemask.auth=", StringComparison.Ordinal))
            : null;

    private async Task<string> RegisteredUserAsync()
    {
        using var browser = site.NewClient();
        return await browser.RegisterNewUserAsync(Password);
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

    private async Task<long> UsersNamedAsync(string username) =>
        await ScalarAsync("SELECT COUNT(*) FROM users WHERE username = $name OR username_key = $key;",
            ("$name", username), ("$key", username.ToLowerInvariant()));

    private async Task<long> UserCountAsync() => await ScalarAsync("SELECT COUNT(*) FROM users;");

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
