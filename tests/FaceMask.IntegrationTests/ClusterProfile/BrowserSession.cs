using System.Net;
using FaceMask.IntegrationTests.Site;

namespace FaceMask.IntegrationTests.ClusterProfile;

/// <summary>
/// A browser's cookies carried by hand from one WebFront to another, as a load balancer in front of both would let
/// them travel: whatever one front sets is sent to whichever front the next request goes to.
/// </summary>
public sealed class BrowserSession
{
    private readonly Dictionary<string, string> _cookies = [];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public IReadOnlyCollection<string> CookieNames => _cookies.Keys;

    /// <summary>Signs in through <paramref name="front"/>'s login page (token from the page, then the form post).</summary>
    public async Task LogInAsync(HttpClient front, string username, string password)
    {
        var token = await TokenAsync(front, "/login");
        using var login = await SendAsync(
            front,
            new HttpRequestMessage(HttpMethod.Post, "/login")
            {
                Content = new FormUrlEncodedContent([new("Username", username), new("Password", password), new("__RequestVerificationToken", token)]),
            });
        Assert.True(login.StatusCode == HttpStatusCode.Redirect, $"login answered {(int)login.StatusCode}");
    }

    /// <summary>GETs <paramref name="path"/> and returns the antiforgery token of its form.</summary>
    public async Task<string> TokenAsync(HttpClient front, string path)
    {
        using var page = await SendAsync(front, new HttpRequestMessage(HttpMethod.Get, path));
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)page.StatusCode}");
        return SiteClient.TokenIn(await page.Content.ReadAsStringAsync(Cancel));
    }

    /// <summary>Sends with every cookie so far and keeps the ones the answer sets.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpClient front, HttpRequestMessage request)
    {
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        var response = await front.SendAsync(request, Cancel);
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            foreach (var cookie in cookies)
            {
                var pair = cookie.Split(';', 2)[0].Split('=', 2);
                _cookies[pair[0].Trim()] = pair[1];
            }
        }

        request.Dispose();
        return response;
    }
}
