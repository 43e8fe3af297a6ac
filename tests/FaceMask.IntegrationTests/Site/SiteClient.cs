using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace FaceMask.IntegrationTests.Site;

/// <summary>Drives the site as a browser does: GET a page, take its antiforgery token, POST the form.</summary>
public sealed partial class SiteClient(HttpClient http) : IDisposable
{
    public HttpClient Http { get; } = http;

    public static string NewUsername() => "u" + Guid.NewGuid().ToString("N")[..12];

    public async Task<string> GetPageAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The antiforgery token of the first form on <paramref name="path"/>.</summary>
    public async Task<string> TokenAsync(string path) => TokenIn(await GetPageAsync(path));

    public static string TokenIn(string html) =>
        TokenPattern().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException("No antiforgery token in the page.");

    /// <summary>Posts a url-encoded form, with the token of <paramref name="formPage"/> unless told not to.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(
        string path, IEnumerable<KeyValuePair<string, string>> fields, string? formPage = null, bool withToken = true)
    {
        var all = fields.ToList();
        if (withToken)
        {
            all.Add(new("__RequestVerificationToken", await TokenAsync(formPage ?? path)));
        }

        return await Http.PostAsync(path, new FormUrlEncodedContent(all));
    }

    public async Task<HttpResponseMessage> RegisterAsync(string username, string password) =>
        await PostFormAsync("/register", [new("Username", username), new("Password", password), new("Confirm", password)]);

    public async Task<HttpResponseMessage> LoginAsync(string username, string password) =>
        await PostFormAsync("/login", [new("Username", username), new("Password", password)]);

    /// <summary>Registers a new user (signed in afterwards) and returns the name.</summary>
    public async Task<string> RegisterNewUserAsync(string password = "password-123")
    {
        var username = NewUsername();
        using var response = await RegisterAsync(username, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return username;
    }

    /// <summary>Uploads through the upload page, as the browser form does (multipart with the token).</summary>
    public async Task<HttpResponseMessage> UploadAsync(byte[] bytes, string fileName)
    {
        var token = await TokenAsync("/upload");
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { file, "file", fileName },
        };
        return await Http.PostAsync("/upload", form);
    }

    /// <summary>Uploads and returns the new image id from the redirect to its page.</summary>
    public async Task<string> UploadOkAsync(byte[] bytes, string fileName)
    {
        using var response = await UploadAsync(bytes, fileName);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/uploads/", location);
        return location["/uploads/".Length..];
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
