using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FaceMask.IntegrationTests.Site;

namespace FaceMask.IntegrationTests.ManagerSite;

/// <summary>One JSON answer of the site: status and parsed body.</summary>
public sealed record JsonReply(HttpStatusCode Status, JsonElement Body)
{
    public JsonElement Payload
    {
        get
        {
            Assert.True(Status == HttpStatusCode.OK, $"answered {(int)Status}: {Body}");
            Assert.True(Body.GetProperty("success").GetBoolean());
            return Body.GetProperty("payload");
        }
    }

    public void AssertError(HttpStatusCode status, string message)
    {
        Assert.Equal(status, Status);
        Assert.False(Body.GetProperty("success").GetBoolean());
        Assert.Equal((int)status, Body.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(message, Body.GetProperty("error").GetProperty("message").GetString());
    }
}

/// <summary>The manager's side of the site as an administrator or a script sees it: pages, charts, the JSON API.</summary>
public static partial class ManagerHttp
{
    public const string FirstWorker = "worker-1";

    /// <summary>A fleet worker starts a real process and joins the cluster: seconds, not minutes.</summary>
    public static readonly TimeSpan WorkerDeadline = TimeSpan.FromSeconds(90);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A browser signed in as the configured administrator.</summary>
    public static async Task<SiteClient> AdminAsync(this SiteFactory site) => await SignedInAsync(site.NewClient());

    public static async Task<SiteClient> SignedInAsync(SiteClient browser)
    {
        using var login = await browser.LoginAsync(SiteFactory.AdminName, SiteFactory.AdminPassword);
        Assert.True(login.StatusCode == HttpStatusCode.Redirect, $"the administrator's login answered {(int)login.StatusCode}");
        return browser;
    }

    /// <summary>A script's client: no cookies, HTTP Basic on every request.</summary>
    public static HttpClient BasicClient(this SiteFactory site, string username, string password)
    {
        var http = site.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
        return http;
    }

    public static async Task<JsonReply> SendJsonAsync(this HttpClient http, HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(
            response.Content.Headers.ContentType?.MediaType == "application/json",
            $"{method} {path} answered {(int)response.StatusCode} {response.Content.Headers.ContentType}: {text}");
        using var document = JsonDocument.Parse(text);
        return new JsonReply(response.StatusCode, document.RootElement.Clone());
    }

    public static Task<JsonReply> GetJsonAsync(this HttpClient http, string path) => http.SendJsonAsync(HttpMethod.Get, path);

    public static Task<JsonReply> AddWorkersAsync(this HttpClient http, string body, string mediaType = "application/json") =>
        http.SendJsonAsync(HttpMethod.Post, "/api/manager/workers", new StringContent(body, Encoding.UTF8, mediaType));

    /// <summary>The fleet's workers from the API (newest first), optionally of one state.</summary>
    public static async Task<IReadOnlyList<JsonElement>> WorkersAsync(this HttpClient http, string? state = null)
    {
        var reply = await http.GetJsonAsync("/api/manager/workers" + (state is null ? "" : "?state=" + state));
        return [.. reply.Payload.EnumerateArray()];
    }

    public static string Id(this JsonElement worker) => worker.GetProperty("id").GetString()!;

    public static string State(this JsonElement worker) => worker.GetProperty("state").GetString()!;

    /// <summary>Polls the API until the worker <paramref name="id"/> satisfies <paramref name="condition"/>; fails with its last state.</summary>
    public static async Task<JsonElement> EventuallyWorkerAsync(this HttpClient http, string id, Func<JsonElement, bool> condition, string what, TimeSpan? deadline = null)
    {
        JsonElement? last = null;
        var ok = await Processes.EventuallyAsync(
            async () =>
            {
                last = (await http.WorkersAsync()).FirstOrDefault(w => w.Id() == id) is { ValueKind: JsonValueKind.Object } found ? found : null;
                return last is { } worker && condition(worker);
            },
            deadline ?? WorkerDeadline);
        Assert.True(ok, $"{id} is not {what} within {(deadline ?? WorkerDeadline).TotalSeconds} s; last seen: {last?.ToString() ?? "absent"}");
        return last!.Value;
    }

    public static Task<JsonElement> EventuallyInStateAsync(this HttpClient http, string id, string state, TimeSpan? deadline = null) =>
        http.EventuallyWorkerAsync(id, w => w.State() == state, state, deadline);

    /// <summary>The embedded worker joins the fleet on one of the fleet's first ticks (adopted from membership).</summary>
    public static Task<JsonElement> FirstWorkerRunningAsync(this HttpClient http) => http.EventuallyInStateAsync(FirstWorker, "Running");

    /// <summary>One chart of a page: how many minutes it covers and how many of them have no data.</summary>
    public sealed record Chart(int Points, int Gaps, int Drawn, string Svg);

    public static Chart ChartIn(string html, string id)
    {
        var svg = Regex.Match(html, $"<svg id=\"{Regex.Escape(id)}\"[^>]*>.*?</svg>", RegexOptions.Singleline);
        Assert.True(svg.Success, $"The page has no chart #{id}.");
        var open = Regex.Match(svg.Value, "^<svg[^>]*>");
        int Attribute(string name)
        {
            var match = Regex.Match(open.Value, $"\\b{name}=\"(\\d+)\"");
            Assert.True(match.Success, $"Chart #{id} has no {name}.");
            return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        // Every minute with data is a vertex of a line or a lone dot.
        var drawn = LinePattern().Matches(svg.Value).Sum(line => line.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length)
            + DotPattern().Matches(svg.Value).Count;
        return new Chart(Attribute("data-points"), Attribute("data-gaps"), drawn, svg.Value);
    }

    /// <summary>The rows of the workers table: worker id → the row's HTML (with its data-state).</summary>
    public static IReadOnlyDictionary<string, string> WorkerRows(string html) =>
        RowPattern().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => m.Value);

    public static string RowState(string row) => StatePattern().Match(row).Groups[1].Value;

    /// <summary>Worker processes of one cluster: the embedded one names the cluster file on its command line, fleet workers in their environment.</summary>
    public static IReadOnlyList<int> SiloProcessesOf(string clusterFile)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (!cmdline.Contains("FaceMask.Silo", StringComparison.Ordinal))
                {
                    continue;
                }

                if (cmdline.Contains(clusterFile, StringComparison.Ordinal)
                    || File.ReadAllText(Path.Combine(dir, "environ")).Contains(clusterFile, StringComparison.Ordinal))
                {
                    // Zombies are gone for every purpose but a line in the process table.
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
                    {
                        continue;
                    }

                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Ended while we looked, or not ours.
            }
        }

        return found;
    }

    public static Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan deadline) =>
        Processes.EventuallyAsync(() => Task.FromResult(condition()), deadline);

    [GeneratedRegex("<polyline class=\"line\" points=\"([^\"]*)\"")]
    private static partial Regex LinePattern();

    [GeneratedRegex("<circle class=\"dot\"")]
    private static partial Regex DotPattern();

    [GeneratedRegex("<tr data-worker=\"([^\"]+)\" data-state=\"[^\"]+\">.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex RowPattern();

    [GeneratedRegex("data-state=\"([^\"]+)\"")]
    private static partial Regex StatePattern();
}
