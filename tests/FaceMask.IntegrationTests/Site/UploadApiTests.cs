using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static FaceMask.IntegrationTests.ApiClient;

namespace FaceMask.IntegrationTests.Site;

/// <summary><c>POST /api/register</c> and <c>POST /api/upload</c> end to end: real worker, real storage, then the site.</summary>
[Collection(SiteCollection.Name)]
public sealed class UploadApiTests(SiteFactory site)
{
    private const string Password = "password-123";
    private const string WrongCredentials = "Unauthorized - Wrong user name or password";

    [Theory]
    [InlineData("maksssksksss0.png", "some_masked")]
    [InlineData("maksssksksss1.png", "all_masked")]
    [InlineData("maksssksksss145.png", "none_masked")]
    public async Task UploadAnswersTheReferenceDetectionsAndStoresTheImage(string fixture, string category)
    {
        using var http = site.CreateClient();
        var username = await RegisterAsync(http, Password);
        var photo = Photos.Fixture(fixture);
        var reference = Photos.Reference(fixture);

        var (status, body) = await PostAsync(http, "/api/upload", UploadForm(username, Password, photo, fixture));

        Assert.Equal(200, status);
        Assert.True(body.GetProperty("success").GetBoolean());
        var payload = body.GetProperty("payload");
        var masked = reference.Count(f => f.Label == "Mask");
        Assert.Equal(reference.Count, payload.GetProperty("num_faces").GetInt32());
        Assert.Equal(masked, payload.GetProperty("num_masked").GetInt32());
        Assert.Equal(reference.Count - masked, payload.GetProperty("num_unmasked").GetInt32());
        Assert.Equal(category, payload.GetProperty("category").GetString());
        Assert.Equal("worker-1", payload.GetProperty("worker").GetString());
        Assert.True(payload.GetProperty("elapsed_ms").GetDouble() > 0);
        var (width, height) = Photos.PngSize(photo);
        Assert.Equal(width, payload.GetProperty("width").GetInt32());
        Assert.Equal(height, payload.GetProperty("height").GetInt32());
        Photos.AssertMatchesReference(reference, payload.GetProperty("detections"));

        var id = payload.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal($"/images/{id}/original", PathOf(payload, "original_url"));
        Assert.Equal($"/images/{id}/annotated", PathOf(payload, "annotated_url"));
        Assert.Equal($"/uploads/{id}", PathOf(payload, "page_url"));
        var row = await StoredState.ImageRowAsync(site, id);
        Assert.NotNull(row);
        Assert.Equal(await StoredState.UserIdAsync(site, username), row.UserId);
        Assert.Equal(category, row.Category);
        Assert.Equal(fixture, row.FileName);
    }

    [Fact]
    public async Task PhotoWithoutFacesIsStoredAsNoFace()
    {
        using var http = site.CreateClient();
        var username = await RegisterAsync(http, Password);

        var (status, body) = await PostAsync(http, "/api/upload", UploadForm(username, Password, Photos.NoFace, "author.jpg"));

        Assert.Equal(200, status);
        var payload = body.GetProperty("payload");
        Assert.Equal(0, payload.GetProperty("num_faces").GetInt32());
        Assert.Equal("no_face", payload.GetProperty("category").GetString());
        Assert.Empty(payload.GetProperty("detections").EnumerateArray());
    }

    [Fact]
    public async Task AnnotatedUrlServesTheOwnerOverHttpBasicAndNobodyElse()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var http = site.CreateClient();
        var owner = await RegisterAsync(http, Password);
        var other = await RegisterAsync(http, Password);
        var (_, body) = await PostAsync(http, "/api/upload", UploadForm(owner, Password, Photos.SomeMasked, "street.png"));
        var annotated = PathOf(body.GetProperty("payload"), "annotated_url");

        using var asOwner = await GetAsync(http, annotated, Basic(owner, Password), cancel);
        using var asOther = await GetAsync(http, annotated, Basic(other, Password), cancel);
        using var anonymous = await GetAsync(http, annotated, null, cancel);

        Assert.Equal(HttpStatusCode.OK, asOwner.StatusCode);
        Assert.Equal("image/jpeg", asOwner.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0xFF, 0xD8, 0xFF], (await asOwner.Content.ReadAsByteArrayAsync(cancel))[..3]);
        Assert.Equal(HttpStatusCode.NotFound, asOther.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
    }

    [Fact]
    public async Task OwnerSignedInWithACookieFindsTheApiUploadInItsHistoryGroupAndPage()
    {
        using var http = site.CreateClient();
        var username = await RegisterAsync(http, Password);
        var (_, body) = await PostAsync(http, "/api/upload", UploadForm(username, Password, Photos.SomeMasked, "street.png"));
        var id = body.GetProperty("payload").GetProperty("id").GetString()!;

        using var browser = site.NewClient();
        using (var login = await browser.LoginAsync(username, Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }

        var groups = HistoryTests.GroupsIn(await browser.GetPageAsync("/history"));
        Assert.Equal([id], groups["some_masked"]);
        Assert.Empty(groups["no_face"].Concat(groups["all_masked"]).Concat(groups["none_masked"]));
        Assert.Contains("<strong id=\"num-faces\">3</strong>", await browser.GetPageAsync($"/uploads/{id}"));
    }

    [Fact]
    public async Task RegisteringTheSameNameTwiceIsAConflictWhateverTheCase()
    {
        using var http = site.CreateClient();
        var username = await RegisterAsync(http, Password);

        var reply = await PostAsync(http, "/api/register", Fields(("username", username.ToUpperInvariant()), ("password", Password)));

        AssertError(409, $"Conflict - The user name '{username.ToUpperInvariant()}' is already taken.", reply);
    }

    [Fact]
    public async Task WrongPasswordIs401AndStoresNothing()
    {
        using var http = site.CreateClient();
        var username = await RegisterAsync(http, Password);
        var before = await StoredState.OfAsync(site);

        var reply = await PostAsync(http, "/api/upload", UploadForm(username, "not-the-password", Photos.Demo2, "demo2.jpg"));

        AssertError(401, WrongCredentials, reply);
        before.AssertUnchanged(await StoredState.OfAsync(site));
    }

    [Fact]
    public async Task UnknownUserIs401LikeAWrongPassword()
    {
        using var http = site.CreateClient();

        var reply = await PostAsync(http, "/api/upload", UploadForm(SiteClient.NewUsername(), Password, Photos.Demo2, "demo2.jpg"));

        AssertError(401, WrongCredentials, reply);
    }

    [Fact]
    public async Task FifthWrongPasswordLocksTheNameWith429AndRetryAfterEvenForTheRightPassword()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var http = site.CreateClient();
        var username = await RegisterAsync(http, Password);
        for (var i = 0; i < 4; i++)
        {
            AssertError(401, WrongCredentials, await PostAsync(http, "/api/upload", UploadForm(username, "wrong-password", Photos.Demo2, "demo2.jpg")));
        }

        using var fifth = await http.PostAsync("/api/upload", UploadForm(username, "wrong-password", Photos.Demo2, "demo2.jpg"), cancel);
        var right = await PostAsync(http, "/api/upload", UploadForm(username, Password, Photos.Demo2, "demo2.jpg"));

        Assert.Equal(HttpStatusCode.TooManyRequests, fifth.StatusCode);
        Assert.NotNull(fifth.Headers.RetryAfter?.Delta);
        Assert.Equal(429, right.Status);
        Assert.Equal(429, right.Body.GetProperty("error").GetProperty("code").GetInt32());
    }

    /// <summary>Registers a new user through the API and returns its name.</summary>
    public static async Task<string> RegisterAsync(HttpClient http, string password)
    {
        var username = SiteClient.NewUsername();
        var (status, body) = await PostAsync(http, "/api/register", Fields(("username", username), ("password", password)));
        Assert.Equal(200, status);
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal(username, body.GetProperty("payload").GetProperty("username").GetString());
        return username;
    }

    /// <summary>The course API's upload form: username, password and the file part.</summary>
    public static MultipartFormDataContent UploadForm(string username, string password, byte[] bytes, string fileName)
    {
        var form = PhotoForm(bytes, fileName);
        form.Add(new StringContent(username), "username");
        form.Add(new StringContent(password), "password");
        return form;
    }

    public static MultipartFormDataContent Fields(params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    public static AuthenticationHeaderValue Basic(string username, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));

    public static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, AuthenticationHeaderValue? authorization, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        return await http.SendAsync(request, cancel);
    }

    /// <summary>The path of an absolute URL in the payload (the host is the test server's).</summary>
    private static string PathOf(JsonElement payload, string property) => new Uri(payload.GetProperty(property).GetString()!).PathAndQuery;
}

/// <summary>The shared sample photos and what the reference detector found in them.</summary>
internal static class Photos
{
    /// <summary>Three faces, one masked.</summary>
    public static byte[] SomeMasked => Fixture("maksssksksss0.png");

    /// <summary>Two faces, both masked.</summary>
    public static byte[] AllMasked => Fixture("maksssksksss1.png");

    /// <summary>Three faces, none masked.</summary>
    public static byte[] NoneMasked => Fixture("maksssksksss145.png");

    /// <summary>A QR code: no face.</summary>
    public static byte[] NoFace => File.ReadAllBytes(Path.Combine(Processes.Shared, "models", "samples", "author.jpg"));

    /// <summary>A small JPEG with one masked face: the cheapest upload that is stored.</summary>
    public static byte[] Demo2 => BadImages.Demo2Jpeg;

    public static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(Processes.Shared, "fixtures", "images", name));

    public static IReadOnlyList<ReferenceFace> Reference(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Processes.Shared, "fixtures", "reference_detections.json")));
        return doc.RootElement.GetProperty(name).EnumerateArray()
            .Select(f => new ReferenceFace(
                f.GetProperty("label").GetString()!,
                f.GetProperty("score").GetDouble(),
                f.GetProperty("box").EnumerateArray().Select(v => v.GetInt32()).ToArray()))
            .ToList();
    }

    /// <summary>Width and height from a PNG's IHDR chunk.</summary>
    public static (int Width, int Height) PngSize(byte[] png) =>
        (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));

    /// <summary>Same faces in the same order: labels equal, boxes within 2 px, scores within 0.01.</summary>
    public static void AssertMatchesReference(IReadOnlyList<ReferenceFace> reference, JsonElement detections)
    {
        var faces = detections.EnumerateArray().ToList();
        Assert.Equal(reference.Count, faces.Count);
        for (var i = 0; i < faces.Count; i++)
        {
            Assert.Equal(reference[i].Label, faces[i].GetProperty("label").GetString());
            Assert.InRange(faces[i].GetProperty("score").GetDouble(), reference[i].Score - 0.01, reference[i].Score + 0.01);
            AssertBoxNear(reference[i].Box, faces[i].GetProperty("box").EnumerateArray().Select(v => v.GetInt32()).ToArray());
        }
    }

    public static void AssertBoxNear(int[] expected, int[] actual)
    {
        Assert.Equal(4, actual.Length);
        for (var i = 0; i < 4; i++)
        {
            Assert.InRange(actual[i], expected[i] - 2, expected[i] + 2);
        }
    }
}

internal sealed record ReferenceFace(string Label, double Score, int[] Box);
