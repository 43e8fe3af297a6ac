using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;

namespace FaceMask.IntegrationTests.Site;

/// <summary><c>POST /api/register</c> and the credential check of <c>POST /api/upload</c>, as scripts call them.</summary>
[Collection(SiteCollection.Name)]
public sealed class AccountApiTests(SiteFactory site)
{
    private const string Password = "password-123";
    private const string NameRule = "Bad Request - A user name has 3 to 32 characters: letters, digits, '_', '.' or '-'.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RegisterCreatesAnAccountThatCanLogIn(bool multipart)
    {
        using var http = site.CreateClient();
        var username = SiteClient.NewUsername();
        HttpContent form = multipart
            ? new MultipartFormDataContent { { new StringContent(username), "username" }, { new StringContent(Password), "password" } }
            : Form(("username", username), ("password", Password));

        var reply = await ApiClient.PostAsync(http, "/api/register", form);

        Assert.Equal(200, reply.Status);
        Assert.True(reply.Body.GetProperty("success").GetBoolean());
        Assert.Equal(username, reply.Body.GetProperty("payload").GetProperty("username").GetString());
        using var browser = site.NewClient();
        using var login = await browser.LoginAsync(username, Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RegisterRefusesATakenNameInAnyCase(bool otherCase)
    {
        using var http = site.CreateClient();
        var username = await RegisteredAsync(http);
        var again = otherCase ? username.ToUpperInvariant() : username;

        var reply = await ApiClient.PostAsync(http, "/api/register", Form(("username", again), ("password", "another-password")));

        ApiClient.AssertError(409, $"Conflict - The user name '{again}' is already taken.", reply);
        Assert.Equal(1, await UsersNamedAsync(username));
    }

    [Fact]
    public async Task RegisterRefusesTheAdministratorsNameInAnotherCase()
    {
        using var http = site.CreateClient();

        var reply = await ApiClient.PostAsync(http, "/api/register", Form(("username", "ADMIN"), ("password", Password)));

        ApiClient.AssertError(409, "Conflict - The user name 'ADMIN' is already taken.", reply);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    [InlineData("two words")]
    [InlineData("jörg")]
    [InlineData("用户名字")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("a'); DROP TABLE users;--")]
    [InlineData("../../etc")]
    public async Task RegisterRefusesAnInvalidNameWithTheRuleAndCreatesNothing(string username)
    {
        using var http = site.CreateClient();
        var before = await UserCountAsync();

        var reply = await ApiClient.PostAsync(http, "/api/register", Form(("username", username), ("password", Password)));

        ApiClient.AssertError(400, NameRule, reply);
        Assert.Equal(0, await UsersNamedAsync(username));
        Assert.Equal(before, await UserCountAsync());
    }

    [Fact]
    public async Task RegisterRefusesAShortPasswordAndCreatesNothing()
    {
        using var http = site.CreateClient();
        var username = SiteClient.NewUsername();

        var reply = await ApiClient.PostAsync(http, "/api/register", Form(("username", username), ("password", "seven-7")));

        ApiClient.AssertError(400, "Bad Request - A password has at least 8 characters.", reply);
        Assert.Equal(0, await UsersNamedAsync(username));
    }

    [Theory]
    [InlineData("username", "Bad Request - The username field is required")]
    [InlineData("password", "Bad Request - The password field is required")]
    public async Task RegisterRefusesAMissingField(string missing, string message)
    {
        using var http = site.CreateClient();
        var username = SiteClient.NewUsername();
        var fields = new[] { ("username", username), ("password", Password) }.Where(f => f.Item1 != missing).ToArray();

        var reply = await ApiClient.PostAsync(http, "/api/register", Form(fields));

        ApiClient.AssertError(400, message, reply);
        Assert.Equal(0, await UsersNamedAsync(username));
    }

    [Fact]
    public async Task RegisterTreatsAnEmptyFieldAsMissing()
    {
        using var http = site.CreateClient();

        var reply = await ApiClient.PostAsync(http, "/api/register", Form(("username", ""), ("password", Password)));

        ApiClient.AssertError(400, "Bad Request - The username field is required", reply);
    }

    [Theory]
    [InlineData("username")]
    [InlineData("password")]
    public async Task RegisterRefusesAFieldSentTwice(string repeated)
    {
        using var http = site.CreateClient();
        var username = SiteClient.NewUsername();
        var values = new Dictionary<string, string> { ["username"] = username, ["password"] = Password };

        var reply = await ApiClient.PostAsync(
            http, "/api/register", Form(("username", username), ("password", Password), (repeated, values[repeated] + "2")));

        ApiClient.AssertError(400, $"Bad Request - Send the {repeated} field once", reply);
        Assert.Equal(0, await UsersNamedAsync(username));
        Assert.Equal(0, await UsersNamedAsync(username + "2"));
    }

    [Fact]
    public async Task RegisterRefusesAJsonBodyAndCreatesNothing()
    {
        using var http = site.CreateClient();
        var username = SiteClient.NewUsername();
        var json = new StringContent($$"""{"username":"{{username}}","password":"{{Password}}"}""", Encoding.UTF8, "application/json");

        var reply = await ApiClient.PostAsync(http, "/api/register", json);

        ApiClient.AssertError(400, "Bad Request - Send username and password as form fields", reply);
        Assert.Equal(0, await UsersNamedAsync(username));
    }

    [Fact]
    public async Task UploadWithAWrongPasswordIsUnauthorizedAndStoresNothing()
    {
        using var http = site.CreateClient();
        var username = await RegisteredAsync(http);
        var blobsBefore = site.BlobFiles();
        var rowsBefore = await ImageCountAsync();

        var reply = await ApiClient.PostAsync(http, "/api/upload", UploadForm(username, "wrong-password"));

        ApiClient.AssertError(401, "Unauthorized - Wrong user name or password", reply);
        Assert.Equal(blobsBefore, site.BlobFiles());
        Assert.Equal(rowsBefore, await ImageCountAsync());
    }

    [Fact]
    public async Task UploadForAnUnknownUserGetsTheSameAnswerAsAWrongPassword()
    {
        using var http = site.CreateClient();
        var blobsBefore = site.BlobFiles();

        var reply = await ApiClient.PostAsync(http, "/api/upload", UploadForm(SiteClient.NewUsername(), Password));

        ApiClient.AssertError(401, "Unauthorized - Wrong user name or password", reply);
        Assert.Equal(blobsBefore, site.BlobFiles());
    }

    [Fact]
    public async Task UploadWithoutAPasswordIsABadRequest()
    {
        using var http = site.CreateClient();
        var form = ApiClient.PhotoForm(BadImages.Demo2Jpeg, "demo2.jpg");
        form.Add(new StringContent(SiteClient.NewUsername()), "username");

        var reply = await ApiClient.PostAsync(http, "/api/upload", form);

        ApiClient.AssertError(400, "Bad Request - The password field is required", reply);
    }

    [Fact]
    public async Task UploadWithTheRightPasswordStoresThePhotoUnderThatUser()
    {
        using var http = site.CreateClient();
        var username = await RegisteredAsync(http);

        var reply = await ApiClient.PostAsync(http, "/api/upload", UploadForm(username, Password));

        Assert.True(reply.Status == 200, reply.Body.ToString());
        Assert.True(reply.Body.GetProperty("success").GetBoolean());
        var id = reply.Body.GetProperty("payload").GetProperty("id").GetString()!;
        var userId = await ScalarAsync("SELECT id FROM users WHERE username = $name;", ("$name", username));
        Assert.Equal(userId, await ScalarAsync("SELECT user_id FROM images WHERE id = $id;", ("$id", id)));
        var folder = Path.Combine(site.BlobDirectory, "users", userId.ToString(CultureInfo.InvariantCulture), id);
        Assert.Equal(3, site.BlobFiles().Count(f => f.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal)));
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    private static MultipartFormDataContent UploadForm(string username, string password)
    {
        var form = ApiClient.PhotoForm(BadImages.Demo2Jpeg, "demo2.jpg");
        form.Add(new StringContent(username), "username");
        form.Add(new StringContent(password), "password");
        return form;
    }

    private static async Task<string> RegisteredAsync(HttpClient http)
    {
        var username = SiteClient.NewUsername();
        var reply = await ApiClient.PostAsync(http, "/api/register", Form(("username", username), ("password", Password)));
        Assert.Equal(200, reply.Status);
        return username;
    }

    private async Task<long> UsersNamedAsync(string username) =>
        await ScalarAsync("SELECT COUNT(*) FROM users WHERE username = $name OR username_key = $key;",
            ("$name", username), ("$key", username.ToLowerInvariant()));

    private async Task<long> UserCountAsync() => await ScalarAsync("SELECT COUNT(*) FROM users;");

    private async Task<long> ImageCountAsync() => await ScalarAsync("SELECT COUNT(*) FROM images;");

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
