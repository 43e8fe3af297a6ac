using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace FaceMask.IntegrationTests.Site;

/// <summary>
/// Five failed logins for a user name lock it (for <see cref="SiteFactory.Lockout"/>), whether or not the
/// name exists, across the login page and the upload API alike.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class LockoutTests(SiteFactory site)
{
    private const int MaxFailures = 5;
    private const string Password = "password-123";
    private const string WrongLogin = "Wrong user name or password.";
    private const string Locked = "Too many failed logins for this user name.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FiveWrongPasswordsLockOutEvenTheRightPasswordUntilTheLockoutEnds()
    {
        var username = await RegisteredUserAsync();
        using var browser = site.NewClient();

        for (var attempt = 1; attempt < MaxFailures; attempt++)
        {
            await AssertWrongLoginAsync(browser, username, "wrong-password");
        }

        await AssertLockedAsync(browser, username, "wrong-password");
        await AssertLockedAsync(browser, username, Password);
        using var http = site.CreateClient();
        using (var upload = await http.PostAsync("/api/upload", UploadForm(username, Password), Ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, upload.StatusCode);
            AssertRetryAfterWithinLockout(upload);
            Assert.Contains("Too Many Requests - Too many failed logins; try again later", await upload.Content.ReadAsStringAsync(Ct));
        }

        await HtmlAssert.SignedOutAsync(browser);

        var unlocked = await Processes.EventuallyAsync(
            async () =>
            {
                using var login = await browser.LoginAsync(username, Password);
                return login.StatusCode == HttpStatusCode.Redirect;
            },
            SiteFactory.Lockout * 3);

        Assert.True(unlocked, "The right password still did not work well after the lockout.");
        await HtmlAssert.SignedInAsync(browser);
    }

    [Fact]
    public async Task UnknownUserNameIsLockedExactlyLikeAKnownOne()
    {
        var known = await RegisteredUserAsync();
        var unknown = SiteClient.NewUsername();
        using var browser = site.NewClient();

        for (var attempt = 1; attempt < MaxFailures; attempt++)
        {
            var knownPage = await AssertWrongLoginAsync(browser, known, "wrong-password");
            var unknownPage = await AssertWrongLoginAsync(browser, unknown, "wrong-password");
            Assert.Equal(Without(known, knownPage), Without(unknown, unknownPage));
        }

        var knownLocked = await AssertLockedAsync(browser, known, "wrong-password");
        var unknownLocked = await AssertLockedAsync(browser, unknown, "wrong-password");
        Assert.Equal(Without(known, knownLocked.Page), Without(unknown, unknownLocked.Page));

        using var http = site.CreateClient();
        using var upload = await http.PostAsync("/api/upload", UploadForm(unknown, Password), Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, upload.StatusCode);
        AssertRetryAfterWithinLockout(upload);
    }

    [Fact]
    public async Task SuccessfulLoginResetsTheFailureCount()
    {
        var username = await RegisteredUserAsync();
        using var browser = site.NewClient();

        for (var attempt = 1; attempt < MaxFailures; attempt++)
        {
            await AssertWrongLoginAsync(browser, username, "wrong-password");
        }

        using (var success = await browser.LoginAsync(username, Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, success.StatusCode);
        }

        using var other = site.NewClient();
        for (var attempt = 1; attempt < MaxFailures; attempt++)
        {
            await AssertWrongLoginAsync(other, username, "wrong-password");
        }

        using var again = await other.LoginAsync(username, Password);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }

    [Fact]
    public async Task FailuresCountPerUserNameWhateverItsCaseAndWhereverTheyHappen()
    {
        var username = await RegisteredUserAsync();
        using var browser = site.NewClient();
        using var http = site.CreateClient();

        await AssertWrongLoginAsync(browser, username, "wrong-password");
        await AssertWrongLoginAsync(browser, username.ToUpperInvariant(), "wrong-password");
        for (var attempt = 3; attempt < MaxFailures; attempt++)
        {
            var reply = await ApiClient.PostAsync(http, "/api/upload", UploadForm(username, "wrong-password"));
            ApiClient.AssertError(401, "Unauthorized - Wrong user name or password", reply);
        }

        await AssertLockedAsync(browser, username.ToUpperInvariant(), "wrong-password");
        await AssertLockedAsync(browser, username, Password);
    }

    [Fact]
    public async Task LockingOneUserNameLeavesOthersAlone()
    {
        var locked = await RegisteredUserAsync();
        var bystander = await RegisteredUserAsync();
        using var browser = site.NewClient();
        for (var attempt = 1; attempt < MaxFailures; attempt++)
        {
            await AssertWrongLoginAsync(browser, locked, "wrong-password");
        }

        await AssertLockedAsync(browser, locked, "wrong-password");

        using var login = await browser.LoginAsync(bystander, Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
    }

    private async Task<string> RegisteredUserAsync()
    {
        using var browser = site.NewClient();
        return await browser.RegisterNewUserAsync(Password);
    }

    private static async Task<string> AssertWrongLoginAsync(SiteClient browser, string username, string password)
    {
        using var response = await browser.LoginAsync(username, password);
        var page = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"login as {username} answered {(int)response.StatusCode}");
        HtmlAssert.ShowsError(WrongLogin, page);
        return page;
    }

    private static async Task<(string Page, int RetryAfter)> AssertLockedAsync(SiteClient browser, string username, string password)
    {
        using var response = await browser.LoginAsync(username, password);
        var page = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains(Locked, page);
        Assert.DoesNotContain(WrongLogin, page);
        return (page, AssertRetryAfterWithinLockout(response));
    }

    private static int AssertRetryAfterWithinLockout(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Retry-After", out var values), "no Retry-After header");
        var seconds = int.Parse(Assert.Single(values), CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, (int)SiteFactory.Lockout.TotalSeconds);
        return seconds;
    }

    /// <summary>The page with the user name (echoed back into the form) and the per-request token blanked out.</summary>
    private static string Without(string username, string page) =>
        Regex.Replace(
            page.Replace(username, "NAME", StringComparison.Ordinal).Replace(username.ToUpperInvariant(), "NAME", StringComparison.Ordinal),
            "(name=\"__RequestVerificationToken\" type=\"hidden\" value=\")[^\"]+",
            "$1TOKEN");

    private static MultipartFormDataContent UploadForm(string username, string password)
    {
        var form = ApiClient.PhotoForm(BadImages.Demo2Jpeg, "demo2.jpg");
        form.Add(new StringContent(username), "username");
        form.Add(new StringContent(password), "password");
        return form;
    }
}
