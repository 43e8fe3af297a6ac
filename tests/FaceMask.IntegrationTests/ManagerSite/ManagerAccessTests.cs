using System.Net;
using System.Text;
using System.Text.Json;
using FaceMask.IntegrationTests.Site;

namespace FaceMask.IntegrationTests.ManagerSite;

/// <summary>Only administrators reach the manager: pages and charts send others to sign in or to "denied", the API answers 401/403.</summary>
[Collection(SiteCollection.Name)]
public sealed class ManagerAccessTests(SiteFactory site)
{
    private const string NotSignedIn = "Unauthorized - Sign in as an administrator or send HTTP Basic credentials";
    private const string NotAdmin = "Forbidden - Administrators only";

    public static TheoryData<string> AdminPages =>
    [
        "/manager",
        "/manager/workers",
        "/manager/workers?state=Running",
        "/manager/workers/" + ManagerHttp.FirstWorker,
        "/manager/charts/fleet",
        "/manager/charts/workers/" + ManagerHttp.FirstWorker,
        "/dashboard/",
    ];

    public static TheoryData<string, string> ApiCalls =>
    [
        ("GET", "/api/manager/workers"),
        ("GET", "/api/manager/workers?state=Running"),
        ("POST", "/api/manager/workers"),
        ("DELETE", "/api/manager/workers/" + ManagerHttp.FirstWorker),
        ("GET", "/api/manager/series"),
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task AnonymousVisitorIsSentToLogin(string path)
    {
        using var browser = site.NewClient();

        using var response = await browser.Http.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?ReturnUrl=" + Uri.EscapeDataString(path), HtmlAssert.RedirectTarget(response));
    }

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task NormalUserIsDeniedWithA403(string path)
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();

        using var response = await browser.Http.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var denied = HtmlAssert.RedirectTarget(response);
        Assert.StartsWith("/denied", denied);
        using var deniedPage = await browser.Http.GetAsync(denied, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, deniedPage.StatusCode);
        var page = await deniedPage.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("class=\"chart\"", page);
        Assert.DoesNotContain("id=\"workers\"", page);
    }

    [Theory]
    [InlineData("DeleteData", "DELETE")]
    [InlineData("StopAll", "STOP")]
    public async Task NormalUserCannotRunTheDestructiveActions(string handler, string confirm)
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();
        await browser.UploadOkAsync(BadImages.Demo2Jpeg, "mine.jpg");
        var before = await StoredState.OfAsync(site);

        using var response = await browser.PostFormAsync($"/manager?handler={handler}", [new("confirm", confirm)], formPage: "/upload");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/denied", HtmlAssert.RedirectTarget(response));
        before.AssertUnchanged(await StoredState.OfAsync(site));
        using var admin = site.BasicClient(SiteFactory.AdminName, SiteFactory.AdminPassword);
        var first = await admin.FirstWorkerRunningAsync();
        Assert.Equal("Running", first.State());
    }

    [Fact]
    public async Task NormalUserCannotAddWorkersThroughThePage()
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();
        using var admin = site.BasicClient(SiteFactory.AdminName, SiteFactory.AdminPassword);
        await admin.FirstWorkerRunningAsync();
        var before = (await admin.WorkersAsync()).Count;

        using var response = await browser.PostFormAsync("/manager/workers?handler=Add", [new("count", "1")], formPage: "/upload");

        Assert.StartsWith("/denied", HtmlAssert.RedirectTarget(response));
        Assert.Equal(before, (await admin.WorkersAsync()).Count);
    }

    [Theory]
    [MemberData(nameof(ApiCalls))]
    public async Task AnonymousApiCallIsRefusedWith401(string method, string path)
    {
        using var http = site.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var admin = site.BasicClient(SiteFactory.AdminName, SiteFactory.AdminPassword);
        await admin.FirstWorkerRunningAsync();
        var before = (await admin.WorkersAsync()).Count;

        var reply = await http.SendJsonAsync(new HttpMethod(method), path, JsonBody("{\"count\":1}", method));

        reply.AssertError(HttpStatusCode.Unauthorized, NotSignedIn);
        Assert.Equal(before, (await admin.WorkersAsync()).Count);
    }

    [Theory]
    [MemberData(nameof(ApiCalls))]
    public async Task NormalUserApiCallIsRefusedWith403(string method, string path)
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();
        using var admin = site.BasicClient(SiteFactory.AdminName, SiteFactory.AdminPassword);
        await admin.FirstWorkerRunningAsync();
        var before = (await admin.WorkersAsync()).Count;

        var reply = await browser.Http.SendJsonAsync(new HttpMethod(method), path, JsonBody("{\"count\":1}", method));

        reply.AssertError(HttpStatusCode.Forbidden, NotAdmin);
        Assert.Equal(before, (await admin.WorkersAsync()).Count);
        await HtmlAssert.SignedInAsync(browser);
    }

    [Fact]
    public async Task NormalUserWithHttpBasicIsRefusedWith403()
    {
        const string password = "password-123";
        using var browser = site.NewClient();
        var username = await browser.RegisterNewUserAsync(password);
        using var script = site.BasicClient(username, password);

        var reply = await script.GetJsonAsync("/api/manager/workers");

        reply.AssertError(HttpStatusCode.Forbidden, NotAdmin);
    }

    [Fact]
    public async Task AdministratorWithHttpBasicListsTheWorkers()
    {
        using var script = site.BasicClient(SiteFactory.AdminName, SiteFactory.AdminPassword);

        var reply = await script.GetJsonAsync("/api/manager/workers");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(JsonValueKind.Array, reply.Payload.ValueKind);
    }

    [Fact]
    public async Task AdministratorSignedInWithTheCookieUsesTheApi()
    {
        using var admin = await site.AdminAsync();

        var reply = await admin.Http.GetJsonAsync("/api/manager/series");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(30, reply.Payload.GetProperty("minutes").GetInt32());
    }

    [Theory]
    [InlineData(SiteFactory.AdminName, "not-the-password")]
    [InlineData("nobody-at-all", "whatever-123")]
    public async Task HttpBasicWithWrongCredentialsIsRefusedWith401(string username, string password)
    {
        using var script = site.BasicClient(username, password);

        var reply = await script.GetJsonAsync("/api/manager/workers");

        reply.AssertError(HttpStatusCode.Unauthorized, NotSignedIn);
    }

    [Fact]
    public async Task CrossSiteFormPostCannotAddWorkersWithTheAdministratorsCookie()
    {
        // A form on another site can send the cookie and a JSON-looking body, but not as application/json.
        using var admin = await site.AdminAsync();
        await admin.Http.FirstWorkerRunningAsync();
        var before = (await admin.Http.WorkersAsync()).Count;

        var reply = await admin.Http.AddWorkersAsync("{\"count\":1}", "text/plain");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(before, (await admin.Http.WorkersAsync()).Count);
    }

    private static StringContent? JsonBody(string json, string method) =>
        method == "POST" ? new StringContent(json, Encoding.UTF8, "application/json") : null;
}
