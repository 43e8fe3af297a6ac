using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static FaceMask.IntegrationTests.Site.UploadApiTests;

namespace FaceMask.IntegrationTests.Site;

/// <summary>
/// Broken, hostile and odd requests to <c>/api/upload</c>, <c>/api/register</c> and the upload page: each is
/// refused with a 4xx (never a 500), in the endpoint's error shape, without a stack trace, and stores nothing.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class BadInputCorpusTests(SiteFactory site)
{
    private const string Password = "password-123";
    private const string NoFilePart = "Bad Request - No file part";
    private const string NoImageSelected = "Bad Request - No image selected for detection";
    private const string CouldNotParse = "Bad Image - Could not parse the image";
    private const string WrongCredentials = "Unauthorized - Wrong user name or password";
    private const string UnreadableForm = "Bad Request - The multipart form could not be read";
    private const string BadUsername = "Bad Request - A user name has 3 to 32 characters: letters, digits, '_', '.' or '-'.";
    private const string NotAForm = "Bad Request - Send username and password as form fields";

    private static readonly string LongName = new('a', 10_000);

    /// <summary>Requests to <c>/api/upload</c> by a registered user <c>U</c> (password <see cref="Password"/>).</summary>
    private static readonly Dictionary<string, BadRequest> UploadApi = new()
    {
        ["text file named .jpg"] = new(u => Upload(u, BadImages.TextFile, "photo.jpg"), 400, CouldNotParse),
        ["truncated PNG"] = new(u => Upload(u, BadImages.TruncatedPng, "cut.png"), 400, CouldNotParse),
        ["truncated JPEG"] = new(u => Upload(u, BadImages.TruncatedJpeg, "cut.jpg"), 400, CouldNotParse),
        ["zero-byte file"] = new(u => Upload(u, [], "empty.png"), 400, NoImageSelected),
        ["PNG claiming 30000x30000"] = new(u => Upload(u, BadImages.PngClaiming(30000, 30000), "bomb.png"), 400, "Bad Image - ", Prefix: true),
        ["text file named only .png"] = new(u => Upload(u, BadImages.TextFile, ".png"), 400, CouldNotParse),
        ["disallowed extension .exe"] = new(u => Upload(u, Photos.Demo2, "photo.exe"), 400, Disallowed("photo.exe")),
        ["double extension .png.exe"] = new(u => Upload(u, Photos.Demo2, "photo.png.exe"), 400, Disallowed("photo.png.exe")),
        ["SVG"] = new(u => Upload(u, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray(), "x.svg"), 400, Disallowed("x.svg")),
        ["two file parts"] = new(
            u => new RawMultipart().Field("username", u).Field("password", Password).File("file", "a.jpg", Photos.Demo2).File("file", "b.jpg", Photos.Demo2).Build(),
            400,
            "Bad Request - Send exactly one file part"),
        ["two username fields"] = new(
            u => new RawMultipart().Field("username", u).Field("username", u).Field("password", Password).File("file", "a.jpg", Photos.Demo2).Build(),
            400,
            "Bad Request - Send the username field once"),
        ["two password fields"] = new(
            u => new RawMultipart().Field("username", u).Field("password", Password).Field("password", Password).File("file", "a.jpg", Photos.Demo2).Build(),
            400,
            "Bad Request - Send the password field once"),
        ["no username"] = new(
            _ => new RawMultipart().Field("password", Password).File("file", "a.jpg", Photos.Demo2).Build(), 400, "Bad Request - The username field is required"),
        ["empty username"] = new(
            _ => new RawMultipart().Field("username", "").Field("password", Password).File("file", "a.jpg", Photos.Demo2).Build(), 400, "Bad Request - The username field is required"),
        ["no password"] = new(
            u => new RawMultipart().Field("username", u).File("file", "a.jpg", Photos.Demo2).Build(), 400, "Bad Request - The password field is required"),
        ["no file part"] = new(u => new RawMultipart().Field("username", u).Field("password", Password).Build(), 400, NoFilePart),
        ["file sent as a text field"] = new(
            u => new RawMultipart().Field("username", u).Field("password", Password).Field("file", "photo.jpg").Build(), 400, NoImageSelected),
        ["no file chosen"] = new(
            u => new RawMultipart().Field("username", u).Field("password", Password).File("file", "", []).Build(), 400, NoImageSelected),
        ["file part under another name"] = new(
            u => new RawMultipart().Field("username", u).Field("password", Password).File("image", "a.jpg", Photos.Demo2).Build(), 400, NoFilePart),
        ["10 000-character username"] = new(_ => Upload(LongName, Photos.Demo2, "a.jpg"), 400, "Bad Request - The username field is too long"),
        ["unicode username"] = new(_ => Upload("ユーザー名-ü-😷", Photos.Demo2, "a.jpg"), 401, WrongCredentials),
        ["HTML username"] = new(_ => Upload("<script>alert(1)</script>", Photos.Demo2, "a.jpg"), 401, WrongCredentials),
        ["SQL-looking username"] = new(_ => Upload("x' OR '1'='1' --", Photos.Demo2, "a.jpg"), 401, WrongCredentials),
        ["SQL-looking password"] = new(
            u => new RawMultipart().Field("username", u).Field("password", "' OR '1'='1' --").File("file", "a.jpg", Photos.Demo2).Build(), 401, WrongCredentials),
        ["username with a NUL"] = new(u => Upload(u + "\0", Photos.Demo2, "a.jpg"), 401, WrongCredentials),
        ["JSON body"] = new(
            u => new StringContent($$"""{"username":"{{u}}","password":"{{Password}}","file":"a.jpg"}""", Encoding.UTF8, "application/json"), 400, NoFilePart),
        ["url-encoded body"] = new(
            u => new FormUrlEncodedContent([new("username", u), new("password", Password), new("file", "a.jpg")]), 400, NoImageSelected),
        ["text/plain body"] = new(_ => new StringContent("username=u&password=p", Encoding.UTF8, "text/plain"), 400, NoFilePart),
        ["no content type"] = new(_ => new ByteArrayContent(Photos.Demo2), 400, NoFilePart),
        ["multipart without a boundary"] = new(
            u => WithContentType(Upload(u, Photos.Demo2, "a.jpg"), "multipart/form-data"), 400, UnreadableForm),
        ["multipart cut off"] = new(
            u => new RawMultipart().Field("username", u).Field("password", Password).File("file", "a.jpg", Photos.Demo2).Build(closed: false), 400, UnreadableForm),
        ["multipart with an empty body"] = new(_ => new RawMultipart().Build(closed: false), 400, "Bad Request - The username field is required"),
    };

    /// <summary>Requests to <c>/api/register</c>.</summary>
    private static readonly Dictionary<string, BadRequest> RegisterApi = new()
    {
        ["JSON body"] = new(
            _ => new StringContent($$"""{"username":"{{SiteClient.NewUsername()}}","password":"{{Password}}"}""", Encoding.UTF8, "application/json"), 400, NotAForm),
        ["text/plain body"] = new(_ => new StringContent("username=someone&password=password-123", Encoding.UTF8, "text/plain"), 400, NotAForm),
        ["no username"] = new(_ => Fields(("password", Password)), 400, "Bad Request - The username field is required"),
        ["no password"] = new(_ => Fields(("username", SiteClient.NewUsername())), 400, "Bad Request - The password field is required"),
        ["two username fields"] = new(
            _ => Fields(("username", SiteClient.NewUsername()), ("username", SiteClient.NewUsername()), ("password", Password)), 400, "Bad Request - Send the username field once"),
        ["10 000-character username"] = new(_ => Fields(("username", LongName), ("password", Password)), 400, "Bad Request - The username field is too long"),
        ["33-character username"] = new(_ => Fields(("username", new string('b', 33)), ("password", Password)), 400, BadUsername),
        ["unicode username"] = new(_ => Fields(("username", "ユーザー名ü"), ("password", Password)), 400, BadUsername),
        ["HTML username"] = new(_ => Fields(("username", "<b>bold</b>"), ("password", Password)), 400, BadUsername),
        ["SQL-looking username"] = new(_ => Fields(("username", "x'); DROP TABLE users; --"), ("password", Password)), 400, BadUsername),
        ["path-like username"] = new(_ => Fields(("username", "../../etc"), ("password", Password)), 400, BadUsername),
        ["username with a NUL"] = new(_ => Fields(("username", "nul\0name"), ("password", Password)), 400, BadUsername),
        ["username ending in a newline"] = new(_ => Fields(("username", SiteClient.NewUsername() + "\n"), ("password", Password)), 400, BadUsername),
        ["username with spaces"] = new(_ => Fields(("username", "john smith"), ("password", Password)), 400, BadUsername),
        ["7-character password"] = new(_ => Fields(("username", SiteClient.NewUsername()), ("password", "short-7")), 400, "Bad Request - A password has at least 8 characters."),
        ["129-character password"] = new(
            _ => Fields(("username", SiteClient.NewUsername()), ("password", new string('p', 129))), 400, "Bad Request - A password has at most 128 characters."),
        ["administrator's name in other case"] = new(
            _ => Fields(("username", SiteFactory.AdminName.ToUpperInvariant()), ("password", Password)), 409, $"Conflict - The user name '{SiteFactory.AdminName.ToUpperInvariant()}' is already taken."),
    };

    /// <summary>Posts to the upload page by a signed-in user; the token is the page's antiforgery token.</summary>
    private static readonly Dictionary<string, PageRequest> UploadPage = new()
    {
        ["text file named .jpg"] = new(t => PageUpload(t, BadImages.TextFile, "photo.jpg"), CouldNotParse),
        ["truncated PNG"] = new(t => PageUpload(t, BadImages.TruncatedPng, "cut.png"), CouldNotParse),
        ["truncated JPEG"] = new(t => PageUpload(t, BadImages.TruncatedJpeg, "cut.jpg"), CouldNotParse),
        ["zero-byte file"] = new(t => PageUpload(t, [], "empty.jpg"), NoImageSelected),
        ["PNG claiming 30000x30000"] = new(t => PageUpload(t, BadImages.PngClaiming(30000, 30000), "bomb.png"), "Bad Image - ", Prefix: true),
        ["SVG"] = new(t => PageUpload(t, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray(), "x.svg"), Disallowed("x.svg")),
        ["two file parts"] = new(
            t => new RawMultipart().Field("__RequestVerificationToken", t).File("file", "a.jpg", Photos.Demo2).File("file", "b.jpg", Photos.Demo2).Build(),
            "Bad Request - Send exactly one file part"),
        ["url-encoded body"] = new(t => new FormUrlEncodedContent([new("__RequestVerificationToken", t)]), NoFilePart),
        ["no antiforgery token"] = new(_ => PhotoFormOf(Photos.Demo2, "demo2.jpg"), Alert: null),
        ["forged antiforgery token"] = new(_ => PageUpload("CfDJ8forged", Photos.Demo2, "demo2.jpg"), Alert: null),
        ["JSON body"] = new(_ => new StringContent("{\"file\":\"a.jpg\"}", Encoding.UTF8, "application/json"), Alert: null),
        ["multipart cut off"] = new(t => new RawMultipart().Field("__RequestVerificationToken", t).File("file", "a.jpg", Photos.Demo2).Build(closed: false), Alert: null),
    };

    public static TheoryData<string> UploadApiCases => [.. UploadApi.Keys];

    public static TheoryData<string> RegisterApiCases => [.. RegisterApi.Keys];

    public static TheoryData<string> UploadPageCases => [.. UploadPage.Keys];

    [Theory]
    [MemberData(nameof(UploadApiCases))]
    public async Task UploadApiRefusesWithAJsonErrorAndStoresNothing(string request)
    {
        using var http = site.CreateClient();
        var username = await RegisterAsync(http, Password);
        var before = await StoredState.OfAsync(site);

        var (status, body) = await SendAsync(http, HttpMethod.Post, "/api/upload", UploadApi[request].Body(username));

        AssertJsonError(UploadApi[request], status, body);
        before.AssertUnchanged(await StoredState.OfAsync(site));
    }

    [Theory]
    [MemberData(nameof(RegisterApiCases))]
    public async Task RegisterApiRefusesWithAJsonErrorAndStoresNothing(string request)
    {
        using var http = site.CreateClient();
        var before = await StoredState.OfAsync(site);

        var (status, body) = await SendAsync(http, HttpMethod.Post, "/api/register", RegisterApi[request].Body(""));

        AssertJsonError(RegisterApi[request], status, body);
        before.AssertUnchanged(await StoredState.OfAsync(site));
    }

    [Theory]
    [InlineData("/api/upload")]
    [InlineData("/api/register")]
    public async Task GetOnAPostOnlyApiIs405InTheJsonErrorShape(string path)
    {
        using var http = site.CreateClient();

        var (status, body) = await SendAsync(http, HttpMethod.Get, path, null);

        AssertJsonError(405, "Method Not Allowed", prefix: false, status, body);
    }

    [Theory]
    [MemberData(nameof(UploadPageCases))]
    public async Task UploadPageRefusesWithItsHtmlErrorAndStoresNothing(string request)
    {
        var cancel = TestContext.Current.CancellationToken;
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();
        var token = await browser.TokenAsync("/upload");
        var before = await StoredState.OfAsync(site);

        using var response = await browser.Http.PostAsync("/upload", UploadPage[request].Body(token), cancel);

        var status = (int)response.StatusCode;
        var html = await response.Content.ReadAsStringAsync(cancel);
        Assert.Equal(400, status);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        StoredState.AssertNoTrace(html);
        if (UploadPage[request].Alert is { } expected)
        {
            var alert = UploadPageTests.AlertIn(html);
            Assert.NotNull(alert);
            if (UploadPage[request].Prefix)
            {
                Assert.StartsWith(expected, alert);
            }
            else
            {
                Assert.Equal(expected, alert);
            }
        }
        else
        {
            Assert.Contains("<h1>Bad request</h1>", html);
        }

        before.AssertUnchanged(await StoredState.OfAsync(site));
    }

    [Theory]
    [InlineData("../../{0}.png")]
    [InlineData("..\\..\\{0}.png")]
    [InlineData("/tmp/{0}.png")]
    [InlineData("C:\\Windows\\{0}.png")]
    [InlineData("users/1/{0}.png")]
    public async Task PathLikeFileNameIsStoredAsItsLastSegmentAndNothingIsWrittenOutsideTheBlobFolder(string fileName)
    {
        var marker = "escape-" + Guid.NewGuid().ToString("N");
        fileName = string.Format(fileName, marker);
        using var http = site.CreateClient();
        var username = await RegisterAsync(http, Password);

        var (status, body) = await SendAsync(http, HttpMethod.Post, "/api/upload", Upload(username, Photos.AllMasked, fileName));

        Assert.Equal(200, status);
        var id = IdIn(body);
        var row = await StoredState.ImageRowAsync(site, id);
        Assert.NotNull(row);
        Assert.Equal(marker + ".png", row.FileName);
        AssertNothingWrittenOutside(marker, fileName, row);
        using var browser = site.NewClient();
        using (var login = await browser.LoginAsync(username, Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }

        Assert.Contains($"<h1>{marker}.png</h1>", await browser.GetPageAsync($"/uploads/{id}"));
    }

    [Fact]
    public async Task FileNamedOnlyAnExtensionIsStoredUnderThatNameInsideItsImageFolder()
    {
        using var http = site.CreateClient();
        var username = await RegisterAsync(http, Password);

        var (status, body) = await SendAsync(http, HttpMethod.Post, "/api/upload", Upload(username, Photos.AllMasked, ".png"));

        Assert.Equal(200, status);
        var id = IdIn(body);
        var row = await StoredState.ImageRowAsync(site, id);
        Assert.Equal(".png", row!.FileName);
        StoredState.AssertOnlyKnownFiles(site);
    }

    [Theory]
    [InlineData("nul\0name.png")]
    [InlineData("bell\u0007name.png")]
    [InlineData("escape\u001b[31mname.png")]
    public async Task FileNameWithControlCharactersIsRefusedOrStoredWithoutThem(string fileName)
    {
        using var http = site.CreateClient();
        var username = await RegisterAsync(http, Password);
        var before = await StoredState.OfAsync(site);

        var (status, body) = await SendAsync(http, HttpMethod.Post, "/api/upload", Upload(username, Photos.AllMasked, fileName));

        if (status == 200)
        {
            var id = IdIn(body);
            var row = await StoredState.ImageRowAsync(site, id);
            Assert.DoesNotContain(row!.FileName, char.IsControl);
        }
        else
        {
            Assert.InRange(status, 400, 499);
            before.AssertUnchanged(await StoredState.OfAsync(site));
        }
    }

    private static void AssertJsonError(BadRequest expected, int status, string body) =>
        AssertJsonError(expected.Status, expected.Message, expected.Prefix, status, body);

    private static void AssertJsonError(int expectedStatus, string expectedMessage, bool prefix, int status, string body)
    {
        StoredState.AssertNoTrace(body);
        Assert.Equal(expectedStatus, status);
        using var json = JsonDocument.Parse(body);
        Assert.False(json.RootElement.GetProperty("success").GetBoolean());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(status, error.GetProperty("code").GetInt32());
        var message = error.GetProperty("message").GetString()!;
        if (prefix)
        {
            Assert.StartsWith(expectedMessage, message);
        }
        else
        {
            Assert.Equal(expectedMessage, message);
        }
    }

    /// <summary>No file named after <paramref name="marker"/> anywhere the upload's name could have led a write.</summary>
    private void AssertNothingWrittenOutside(string marker, string fileName, ImageRow row)
    {
        Assert.Empty(Directory.EnumerateFiles(site.DataDirectory, $"*{marker}*", SearchOption.AllDirectories));
        var relative = fileName.Replace('\\', '/').TrimStart('/');
        string[] roots =
        [
            site.BlobDirectory,
            site.DataDirectory,
            Path.GetDirectoryName(site.BlobPath(row.OriginalKey))!,
            Directory.GetCurrentDirectory(),
            AppContext.BaseDirectory,
            Processes.RepoRoot,
        ];
        foreach (var root in roots)
        {
            Assert.False(File.Exists(Path.GetFullPath(Path.Combine(root, relative))), $"{relative} under {root}");
            Assert.Empty(Directory.EnumerateFiles(Path.GetFullPath(Path.Combine(root, "..", "..")), $"*{marker}*"));
        }

        Assert.Empty(Directory.EnumerateFiles(Path.GetTempPath(), $"*{marker}*"));
        StoredState.AssertOnlyKnownFiles(site);
    }

    private static async Task<(int Status, string Body)> SendAsync(HttpClient http, HttpMethod method, string path, HttpContent? content)
    {
        var cancel = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await http.SendAsync(request, cancel);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancel));
    }

    private static string IdIn(string uploadReply)
    {
        using var json = JsonDocument.Parse(uploadReply);
        return json.RootElement.GetProperty("payload").GetProperty("id").GetString()!;
    }

    private static string Disallowed(string fileName) => $"Bad Request -filename:{fileName} - Allowed image types are -> png, jpg, jpeg, gif";

    private static HttpContent Upload(string username, byte[] bytes, string fileName) =>
        new RawMultipart().Field("username", username).Field("password", Password).File("file", fileName, bytes).Build();

    private static HttpContent PageUpload(string token, byte[] bytes, string fileName) =>
        new RawMultipart().Field("__RequestVerificationToken", token).File("file", fileName, bytes).Build();

    private static HttpContent PhotoFormOf(byte[] bytes, string fileName) => ApiClient.PhotoForm(bytes, fileName);

    private static HttpContent WithContentType(HttpContent content, string contentType)
    {
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    /// <summary>An API request: its body for user <c>U</c>, and the status and message of the expected error.</summary>
    private sealed record BadRequest(Func<string, HttpContent> Body, int Status, string Message, bool Prefix = false);

    /// <summary>An upload page post: its body for the page's token, and the alert expected (null: the 400 error page).</summary>
    private sealed record PageRequest(Func<string, HttpContent> Body, string? Alert, bool Prefix = false);
}

/// <summary>
/// A multipart/form-data body written byte for byte, for what <see cref="MultipartFormDataContent"/> would
/// refuse or tidy up: repeated parts, raw file names, a missing closing boundary.
/// </summary>
internal sealed class RawMultipart
{
    private readonly MemoryStream _body = new();
    private readonly string _boundary = "----facemask" + Guid.NewGuid().ToString("N");

    public RawMultipart Field(string name, string value)
    {
        Write($"--{_boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
        return this;
    }

    public RawMultipart File(string name, string fileName, byte[] bytes, string contentType = "application/octet-stream")
    {
        Write($"--{_boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{fileName}\"\r\nContent-Type: {contentType}\r\n\r\n");
        _body.Write(bytes);
        Write("\r\n");
        return this;
    }

    public HttpContent Build(bool closed = true)
    {
        if (closed)
        {
            Write($"--{_boundary}--\r\n");
        }

        var content = new ByteArrayContent(_body.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={_boundary}");
        return content;
    }

    private void Write(string text) => _body.Write(Encoding.UTF8.GetBytes(text));
}
