using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using static FaceMask.IntegrationTests.ApiClient;

namespace FaceMask.IntegrationTests.Site;

/// <summary>An upload is stored whole (three blobs and a row) or not at all, whichever step fails.</summary>
[Collection(SiteCollection.Name)]
public sealed class StorageConsistencyTests(SiteFactory site)
{
    private const string CouldNotSave = "Bad image_path - Could not save the image";
    private const string Password = "password-123";

    public static TheoryData<string, string> FaultsAndRoutes => new()
    {
        { "row insert", "page" },
        { "row insert", "api" },
        { "first blob write", "page" },
        { "first blob write", "api" },
        { "second blob write", "page" },
        { "second blob write", "api" },
        { "third blob write", "page" },
        { "third blob write", "api" },
    };

    [Theory]
    [MemberData(nameof(FaultsAndRoutes))]
    public async Task FailedStoreAnswers500CouldNotSaveAndLeavesNoRowAndNoBlob(string fault, string route)
    {
        using var browser = site.NewClient();
        var username = await browser.RegisterNewUserAsync(Password);
        var token = await browser.TokenAsync("/upload");
        var before = await StoredState.OfAsync(site);
        var blobsBefore = site.BlobFiles();

        int status;
        string body;
        Arm(fault);
        try
        {
            (status, body) = await UploadAsync(browser, route, username, token);
        }
        finally
        {
            Disarm();
        }

        Assert.Equal(500, status);
        if (route == "api")
        {
            AssertError(500, CouldNotSave, (status, JsonDocumentOf(body)));
        }
        else
        {
            Assert.Equal(CouldNotSave, UploadPageTests.AlertIn(body));
        }

        StoredState.AssertNoTrace(body);
        Assert.Equal(blobsBefore, site.BlobFiles());
        before.AssertUnchanged(await StoredState.OfAsync(site));
    }

    [Fact]
    public async Task UploadAfterAFailedStoreIsStoredWhole()
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();
        site.Faults.FailBlobWrite(2);
        using (var failed = await browser.UploadAsync(Photos.Demo2, "first.jpg"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        var before = await StoredState.OfAsync(site);
        var id = await browser.UploadOkAsync(Photos.Demo2, "second.jpg");

        var row = await StoredState.ImageRowAsync(site, id);
        Assert.NotNull(row);
        Assert.All([row.OriginalKey, row.AnnotatedKey, row.ThumbnailKey], key => Assert.True(File.Exists(site.BlobPath(key)), key));
        var after = await StoredState.OfAsync(site);
        Assert.Equal(before.Images + 1, after.Images);
        Assert.Equal(before.BlobCount + 3, after.BlobCount);
    }

    [Fact]
    public async Task OversizeUploadThroughThePageStoresNothing()
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();
        var before = await StoredState.OfAsync(site);

        using var response = await browser.UploadAsync(new byte[(10 * 1024 * 1024) + 1], "big.jpg");

        StoredState.AssertNoTrace(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        before.AssertUnchanged(await StoredState.OfAsync(site));
    }

    [Fact]
    public async Task OversizeUploadThroughThePageAnswers413WithTheUploadTooLargePage()
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();

        using var response = await browser.UploadAsync(new byte[(10 * 1024 * 1024) + 1], "big.jpg");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("<h1>Upload too large</h1>", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task OversizeUploadThroughTheApiAnswers413AndStoresNothing()
    {
        using var http = site.CreateClient();
        var username = await UploadApiTests.RegisterAsync(http, Password);
        var before = await StoredState.OfAsync(site);

        var reply = await PostAsync(http, "/api/upload", UploadApiTests.UploadForm(username, Password, new byte[(10 * 1024 * 1024) + 1], "big.jpg"));

        AssertError(413, "Payload Too Large - the request body exceeds 10485760 bytes", reply);
        before.AssertUnchanged(await StoredState.OfAsync(site));
    }

    [Fact]
    public async Task OversizeUploadWithoutContentLengthThroughTheApiAnswers413AndStoresNothing()
    {
        using var http = site.CreateClient();
        var username = await UploadApiTests.RegisterAsync(http, Password);
        var before = await StoredState.OfAsync(site);

        var form = UploadApiTests.UploadForm(username, Password, new byte[(10 * 1024 * 1024) + 1], "big.jpg");
        var reply = await PostAsync(http, "/api/upload", new UnknownLengthContent(form));

        AssertError(413, "Payload Too Large - the request body exceeds 10485760 bytes", reply);
        before.AssertUnchanged(await StoredState.OfAsync(site));
    }

    private void Arm(string fault)
    {
        switch (fault)
        {
            case "row insert":
                site.Faults.FailNextImageInsert();
                break;
            case "first blob write":
                site.Faults.FailBlobWrite(1);
                break;
            case "second blob write":
                site.Faults.FailBlobWrite(2);
                break;
            case "third blob write":
                site.Faults.FailBlobWrite(3);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, null);
        }
    }

    /// <summary>A fault the upload did not reach must not fire in a later test.</summary>
    private void Disarm()
    {
        site.Faults.FailBlobWrite(0);
        site.Faults.TakeInsertFault();
    }

    private static async Task<(int Status, string Body)> UploadAsync(SiteClient browser, string route, string username, string token)
    {
        var cancel = TestContext.Current.CancellationToken;
        HttpContent form;
        string path;
        if (route == "api")
        {
            (path, form) = ("/api/upload", UploadApiTests.UploadForm(username, Password, Photos.Demo2, "demo2.jpg"));
        }
        else
        {
            var page = PhotoForm(Photos.Demo2, "demo2.jpg");
            page.Add(new StringContent(token), "__RequestVerificationToken");
            (path, form) = ("/upload", page);
        }

        using var response = await browser.Http.PostAsync(path, form, cancel);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancel));
    }

    private static System.Text.Json.JsonElement JsonDocumentOf(string body)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }

    /// <summary>Sends a body without a Content-Length (chunked), as a streaming client does.</summary>
    private sealed class UnknownLengthContent : HttpContent
    {
        private readonly HttpContent _inner;

        public UnknownLengthContent(HttpContent inner)
        {
            _inner = inner;
            foreach (var header in inner.Headers.Where(h => h.Key != "Content-Length"))
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _inner.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>One row of the images table.</summary>
internal sealed record ImageRow(string Id, long UserId, string FileName, string Category, string OriginalKey, string AnnotatedKey, string ThumbnailKey);

/// <summary>
/// What the site has stored, read straight from its SQLite file and data folder: image and user rows, and
/// every file under the data folder except the database (blobs, their content-type side files, temporaries).
/// </summary>
internal sealed partial record StoredState(long Images, long Users, IReadOnlyList<string> Files)
{
    public int BlobCount => Files.Count(f => !f.EndsWith(".content-type", StringComparison.Ordinal));

    public static async Task<StoredState> OfAsync(SiteFactory site)
    {
        await using var db = await OpenAsync(site);
        return new StoredState(
            await ScalarAsync(db, "SELECT COUNT(*) FROM images;"),
            await ScalarAsync(db, "SELECT COUNT(*) FROM users;"),
            FilesOf(site));
    }

    public void AssertUnchanged(StoredState after)
    {
        Assert.Equal(Images, after.Images);
        Assert.Equal(Users, after.Users);
        Assert.Equal(Files, after.Files);
    }

    /// <summary>Every file under the data folder except the SQLite database and its journals, sorted.</summary>
    public static IReadOnlyList<string> FilesOf(SiteFactory site) =>
        Directory.EnumerateFiles(site.DataDirectory, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith("facemask.db", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Every file of the data folder is the database or a blob in its image's folder; nothing else.</summary>
    public static void AssertOnlyKnownFiles(SiteFactory site)
    {
        foreach (var file in FilesOf(site))
        {
            var relative = Path.GetRelativePath(site.BlobDirectory, file).Replace(Path.DirectorySeparatorChar, '/');
            Assert.Matches(KnownBlob(), relative);
        }
    }

    public static async Task<ImageRow?> ImageRowAsync(SiteFactory site, string id)
    {
        await using var db = await OpenAsync(site);
        await using var command = db.CreateCommand();
        command.CommandText = """
            SELECT id, user_id, file_name, category, original_key, annotated_key, thumbnail_key
            FROM images WHERE id = $id;
            """;
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new ImageRow(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6))
            : null;
    }

    public static async Task<long> UserIdAsync(SiteFactory site, string username)
    {
        await using var db = await OpenAsync(site);
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT id FROM users WHERE username = $name;";
        command.Parameters.AddWithValue("$name", username);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Error answers never show an exception or a stack frame.</summary>
    public static void AssertNoTrace(string body)
    {
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }

    private static async Task<SqliteConnection> OpenAsync(SiteFactory site)
    {
        // No pooling: the test must not keep the site's database open between reads.
        var connection = new SqliteConnection($"Data Source={site.DatabaseFile};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<long> ScalarAsync(SqliteConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [GeneratedRegex(@"^users/[0-9]+/[0-9a-f]{32}/(original\.(png|jpg|jpeg|gif|webp|bmp|bin)|annotated\.jpg|thumbnail\.jpg)(\.content-type)?$")]
    private static partial Regex KnownBlob();
}

internal static class SiteFactoryExtensions
{
    /// <summary>Where the local blob store keeps <paramref name="key"/>.</summary>
    public static string BlobPath(this SiteFactory site, string key) => Path.Combine(site.BlobDirectory, key.Replace('/', Path.DirectorySeparatorChar));
}
