using System.Net;
using System.Text.RegularExpressions;

namespace FaceMask.IntegrationTests.Site;

/// <summary>Reads what a person sees on a page: the error box, the flash message, form values.</summary>
public static partial class HtmlAssert
{
    /// <summary>The page's error box shows exactly <paramref name="expected"/>.</summary>
    public static void ShowsError(string expected, string html)
    {
        var alert = AlertPattern().Match(html);
        Assert.True(alert.Success, "The page shows no error box.");
        Assert.Equal(expected, Text(alert.Groups[1].Value));
    }

    public static void ShowsNoError(string html) =>
        Assert.False(AlertPattern().IsMatch(html), $"The page shows an error: {Text(AlertPattern().Match(html).Groups[1].Value)}");

    /// <summary>The status message that a redirect leaves for the next page.</summary>
    public static void ShowsFlash(string expected, string html)
    {
        var flash = FlashPattern().Match(html);
        Assert.True(flash.Success, "The page shows no status message.");
        Assert.Equal(expected, Text(flash.Groups[1].Value));
    }

    /// <summary>The value of the first input named <paramref name="name"/>.</summary>
    public static string InputValue(string html, string name)
    {
        var input = Regex.Match(html, $"<input[^>]*\\bname=\"{Regex.Escape(name)}\"[^>]*\\bvalue=\"([^\"]*)\"");
        Assert.True(input.Success, $"The page has no input '{name}' with a value.");
        return WebUtility.HtmlDecode(input.Groups[1].Value);
    }

    /// <summary>The row of <paramref name="username"/> in the manager's users table, or null.</summary>
    public static string? UserRow(string html, string username) =>
        Regex.Match(html, $"<tr data-user=\"{Regex.Escape(WebUtility.HtmlEncode(username))}\">(.*?)</tr>", RegexOptions.Singleline)
            is { Success: true } row
            ? row.Groups[1].Value
            : null;

    /// <summary>The id the manager's users table carries for <paramref name="username"/>.</summary>
    public static long UserId(string html, string username)
    {
        var row = UserRow(html, username);
        Assert.True(row is not null, $"The users table has no row for '{username}'.");
        return long.Parse(IdPattern().Match(row).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The site lets this browser into a page that needs a signed-in user.</summary>
    public static async Task SignedInAsync(SiteClient browser)
    {
        using var response = await browser.Http.GetAsync("/upload");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /upload answered {(int)response.StatusCode} {response.Headers.Location}");
    }

    /// <summary>The site treats this browser as anonymous: a page that needs sign-in sends it to /login.</summary>
    public static async Task SignedOutAsync(SiteClient browser)
    {
        using var response = await browser.Http.GetAsync("/upload");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?", RedirectTarget(response));
    }

    /// <summary>Where a redirect on this site points, as path and query ("/login?ReturnUrl=%2Fupload").</summary>
    public static string RedirectTarget(HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        Assert.True(location is not null, $"{(int)response.StatusCode} without a Location header");
        if (!location.IsAbsoluteUri)
        {
            return location.OriginalString;
        }

        Assert.Equal("localhost", location.Host);
        return location.PathAndQuery;
    }

    private static string Text(string html) => WebUtility.HtmlDecode(html).Trim();

    [GeneratedRegex("<div class=\"alert\" role=\"alert\"[^>]*>(.*?)</div>", RegexOptions.Singleline)]
    private static partial Regex AlertPattern();

    [GeneratedRegex("<div class=\"flash\" role=\"status\">(.*?)</div>", RegexOptions.Singleline)]
    private static partial Regex FlashPattern();

    [GeneratedRegex("name=\"id\" value=\"(\\d+)\"")]
    private static partial Regex IdPattern();
}
