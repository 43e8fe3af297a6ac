using System.Net;
using System.Net.Http.Headers;
using System.Xml.Linq;
using Amazon.S3.Model;
using FaceMask.IntegrationTests.Site;
using FaceMask.WebFront.DataProtection;
using FaceMask.WebFront.Storage;
using MySqlConnector;
using static FaceMask.IntegrationTests.ApiClient;

namespace FaceMask.IntegrationTests.Storage;

/// <summary>
/// Two WebFronts on MariaDB + s3rver behave as one site: a session or a form token issued by one is valid on
/// the other, an upload through one is served by the other to its owner only, and a failed upload leaves no
/// row and no object.
/// </summary>
[Trait("Category", "MySql")]
[Trait("Category", "S3")]
public sealed class ClusterProfileTests(ClusterProfileSites sites) : IClassFixture<ClusterProfileSites>
{
    private const string Password = "password-123";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static byte[] Photo => File.ReadAllBytes(Path.Combine(Processes.Shared, "models", "samples", "demo2.jpg"));

    [Fact]
    public async Task ASessionCookieIssuedByOneWebFrontIsValidOnTheOther()
    {
        var username = await RegisterAsync();
        var jar = await LogInOnAAsync(username);
        using var b = sites.B.NewClient();

        using var anonymous = await b.GetAsync("/upload", Cancel);
        using var signedIn = await SendAsync(b, new HttpRequestMessage(HttpMethod.Get, "/upload"), jar);

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/login", anonymous.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Contains(username, await signedIn.Content.ReadAsStringAsync(Cancel));
        Assert.True(await KeysInDatabaseAsync() >= 1, "no Data Protection key was stored in MySQL");
    }

    [Fact]
    public async Task AFormFromOneWebFrontPostsToTheOtherAndItsImagesAreServedByBothToTheOwnerOnly()
    {
        var username = await RegisterAsync();
        var jar = await LogInOnAAsync(username);
        using var a = sites.A.NewClient();
        using var b = sites.B.NewClient();

        // The upload page (and its antiforgery token) from A, the post to B.
        using var page = await SendAsync(a, new HttpRequestMessage(HttpMethod.Get, "/upload"), jar);
        Remember(page, jar);
        var token = SiteClient.TokenIn(await page.Content.ReadAsStringAsync(Cancel));
        var photo = PhotoForm(Photo, "demo2.jpg");
        photo.Add(new StringContent(token), "__RequestVerificationToken");
        using var posted = await SendAsync(b, new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = photo }, jar);

        Assert.True(posted.StatusCode == HttpStatusCode.Redirect, $"upload on B answered {(int)posted.StatusCode}");
        var id = posted.Headers.Location!.OriginalString["/uploads/".Length..];
        foreach (var front in new[] { a, b })
        {
            using var original = await SendAsync(front, new HttpRequestMessage(HttpMethod.Get, $"/images/{id}/original"), jar);
            Assert.Equal(HttpStatusCode.OK, original.StatusCode);
            Assert.Equal(Photo, await original.Content.ReadAsByteArrayAsync(Cancel));
            using var thumbnail = await SendAsync(front, new HttpRequestMessage(HttpMethod.Get, $"/images/{id}/thumbnail"), jar);
            Assert.Equal("image/jpeg", thumbnail.Content.Headers.ContentType?.MediaType);
            using var stranger = await front.GetAsync($"/images/{id}/original", Cancel);
            Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        }

        var user = await new MySqlUserStore(sites.Database, TimeProvider.System).FindAsync(username, Cancel);
        Assert.Equal(3, (await ObjectsOfAsync(user!.Id)).Count);
    }

    [Fact]
    public async Task AFailedRowInsertLeavesNoObjectInTheBucketAndAGoodUploadLeavesThreeAndARow()
    {
        var username = await RegisterAsync();
        var user = await new MySqlUserStore(sites.Database, TimeProvider.System).FindAsync(username, Cancel);
        var images = new MySqlImageStore(sites.Database);
        using var a = sites.A.NewClient();

        sites.Faults.FailNextImageInsert();
        AssertError(500, FaceMask.WebFront.Uploads.UploadService.CouldNotSave, await PostAsync(a, "/api/upload", UploadForm(username)));

        Assert.Empty(await ObjectsOfAsync(user!.Id));
        Assert.Empty(await images.ListAsync(user.Id, null, 0, 10, Cancel));

        var (status, body) = await PostAsync(a, "/api/upload", UploadForm(username));
        Assert.Equal(200, status);
        var id = body.GetProperty("payload").GetProperty("id").GetString()!;
        var stored = await images.FindAsync(user.Id, id, Cancel);
        Assert.NotNull(stored);
        Assert.Equal(
            new[] { stored.AnnotatedKey, stored.OriginalKey, stored.ThumbnailKey }.Select(k => ClusterProfileSites.Prefix + k).Order(StringComparer.Ordinal),
            (await ObjectsOfAsync(user.Id)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NeitherWebFrontWritesAnythingToItsDataFolder()
    {
        Assert.Empty(sites.A.LocalFiles());
        Assert.Empty(sites.B.LocalFiles());
    }

    private async Task<string> RegisterAsync()
    {
        var username = SiteClient.NewUsername();
        using var a = sites.A.NewClient();
        var (status, _) = await PostAsync(a, "/api/register", new FormUrlEncodedContent([new("username", username), new("password", Password)]));
        Assert.Equal(200, status);
        return username;
    }

    /// <summary>Logs in through A's login page, as a browser does; returns the cookies A set.</summary>
    private async Task<Dictionary<string, string>> LogInOnAAsync(string username)
    {
        var jar = new Dictionary<string, string>();
        using var a = sites.A.NewClient();
        using var page = await a.GetAsync("/login", Cancel);
        Remember(page, jar);
        var form = new FormUrlEncodedContent(
        [
            new("Username", username),
            new("Password", Password),
            new("__RequestVerificationToken", SiteClient.TokenIn(await page.Content.ReadAsStringAsync(Cancel))),
        ]);
        using var login = await SendAsync(a, new HttpRequestMessage(HttpMethod.Post, "/login") { Content = form }, jar);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Remember(login, jar);
        Assert.Contains("facemask.auth", jar.Keys);
        return jar;
    }

    private static MultipartFormDataContent UploadForm(string username)
    {
        var form = PhotoForm(Photo, "demo2.jpg");
        form.Add(new StringContent(username), "username");
        form.Add(new StringContent(Password), "password");
        return form;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, Dictionary<string, string> jar)
    {
        request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}")));
        return await client.SendAsync(request, Cancel);
    }

    private static void Remember(HttpResponseMessage response, Dictionary<string, string> jar)
    {
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            foreach (var cookie in cookies)
            {
                var pair = cookie.Split(';', 2)[0].Split('=', 2);
                jar[pair[0].Trim()] = pair[1];
            }
        }
    }

    private async Task<IReadOnlyList<string>> ObjectsOfAsync(long userId)
    {
        using var s3 = TestServices.S3Client();
        var listed = await s3.ListObjectsAsync(
            new ListObjectsRequest { BucketName = sites.Bucket, Prefix = ClusterProfileSites.Prefix + BlobKeys.UserPrefix(userId) }, Cancel);
        return (listed.S3Objects ?? []).Select(o => o.Key).ToList();
    }

    private async Task<long> KeysInDatabaseAsync()
    {
        await using var connection = await sites.Database.OpenAsync(Cancel);
        await using var command = new MySqlCommand("SELECT COUNT(*) FROM data_protection_keys;", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Cancel));
    }
}

/// <summary>Both shared key-ring stores: what one WebFront writes, every other reads.</summary>
public abstract class XmlRepositoryContract
{
    protected abstract Task<(Microsoft.AspNetCore.DataProtection.Repositories.IXmlRepository Writer, Microsoft.AspNetCore.DataProtection.Repositories.IXmlRepository Reader)> PairAsync();

    [Fact]
    public async Task ElementsStoredByOneInstanceAreReadByAnotherWhole()
    {
        var (writer, reader) = await PairAsync();
        Assert.Empty(reader.GetAllElements());
        var key = new XElement("key", new XAttribute("id", Guid.NewGuid()), new XElement("secret", "ünïcode 😀 <&>"));
        var revocation = new XElement("revocation", new XAttribute("version", 1), new XElement("reason", "test"));

        writer.StoreElement(key, "key-" + Guid.NewGuid());
        writer.StoreElement(revocation, "revocation-2026-01-01T00:00:00Z");

        var read = reader.GetAllElements().Select(e => e.ToString(SaveOptions.DisableFormatting)).ToList();
        Assert.Equal(2, read.Count);
        Assert.Contains(key.ToString(SaveOptions.DisableFormatting), read);
        Assert.Contains(revocation.ToString(SaveOptions.DisableFormatting), read);
    }
}

[Trait("Category", "MySql")]
public sealed class MySqlXmlRepositoryTests : XmlRepositoryContract, IAsyncLifetime
{
    private MySqlTestDatabase? _database;
    private readonly List<MySqlDatabase> _opened = [];

    protected override async Task<(Microsoft.AspNetCore.DataProtection.Repositories.IXmlRepository, Microsoft.AspNetCore.DataProtection.Repositories.IXmlRepository)> PairAsync()
    {
        _database = await MySqlTestDatabase.CreateAsync();
        _opened.Add(new MySqlDatabase(_database.ConnectionString));
        _opened.Add(new MySqlDatabase(_database.ConnectionString));
        await _opened[0].MigrateAsync();
        return (new MySqlXmlRepository(_opened[0], TimeProvider.System), new MySqlXmlRepository(_opened[1], TimeProvider.System));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _opened)
        {
            await database.DisposeAsync();
        }

        MySqlConnection.ClearAllPools();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

[Trait("Category", "S3")]
public sealed class S3XmlRepositoryTests : XmlRepositoryContract, IAsyncLifetime
{
    private readonly string _bucket = TestServices.NewBucketName();
    private Amazon.S3.AmazonS3Client? _client;

    protected override async Task<(Microsoft.AspNetCore.DataProtection.Repositories.IXmlRepository, Microsoft.AspNetCore.DataProtection.Repositories.IXmlRepository)> PairAsync()
    {
        _client = TestServices.S3Client();
        await new S3BlobStore(_client, _bucket).EnsureBucketAsync();
        // Blobs under the same prefix must not be taken for keys.
        await new S3BlobStore(_client, _bucket, "fm/").PutAsync("users/1/a/original.png", [1], "image/png");
        return (new S3XmlRepository(_client, _bucket, "fm/"), new S3XmlRepository(TestServices.S3Client(), _bucket, "fm/"));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await TestServices.DeleteBucketAsync(_client, _bucket);
            _client.Dispose();
        }
    }
}
