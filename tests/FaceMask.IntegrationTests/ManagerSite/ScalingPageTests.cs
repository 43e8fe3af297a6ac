using System.Net;
using System.Text.RegularExpressions;
using FaceMask.IntegrationTests.Site;

namespace FaceMask.IntegrationTests.ManagerSite;

/// <summary>The Scaling page on the shared site: policy form, switch, decision log and "what if".</summary>
[Collection(SiteCollection.Name)]
public sealed partial class ScalingPageTests(SiteFactory site)
{
    private const string Page = "/manager/scaling";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThePageShowsThePolicyInItsFormWithAnAntiforgeryToken()
    {
        using var admin = await site.AdminAsync();
        await SaveAsync(admin, ScalingCases.Default);

        var html = await admin.GetPageAsync(Page);

        foreach (var (field, value) in ScalingCases.Default.Where(f => f.Key != "mode"))
        {
            Assert.Equal(value, HtmlAssert.InputValue(html, field));
        }

        Assert.Matches("<option value=\"Original\" selected=\"selected\">", html);
        Assert.NotEmpty(SiteClient.TokenIn(html));
        Assert.Contains("href=\"/manager/scaling\"", html);
    }

    [Fact]
    public async Task AValidPolicyIsSavedFromTheForm()
    {
        using var admin = await site.AdminAsync();
        var wanted = ScalingCases.Over(new() { ["grow_cpu_percent"] = "72.5", ["mode"] = "Demand", ["max_workers"] = "6" });

        using var response = await admin.PostFormAsync(Page + "?handler=Save", wanted, formPage: Page);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var policy = (await admin.Http.GetJsonAsync("/api/manager/policy")).Payload;
        Assert.Equal(72.5, policy.GetProperty("grow_cpu_percent").GetDouble());
        Assert.Equal("Demand", policy.GetProperty("mode").GetString());
        Assert.Equal(6, policy.GetProperty("max_workers").GetInt32());
        HtmlAssert.ShowsFlash("Scaling policy saved.", await admin.GetPageAsync(Page));
        await SaveAsync(admin, ScalingCases.Default);
    }

    [Theory]
    [MemberData(nameof(ScalingCases.InvalidNames), MemberType = typeof(ScalingCases))]
    public async Task ABadPolicyIsShownBackWithEachMessageNextToItsFieldAndNothingSaved(string rule) =>
        await AssertRejectedAsync(ScalingCases.Invalid[rule]);

    [Theory]
    [MemberData(nameof(ScalingCases.UnreadableNames), MemberType = typeof(ScalingCases))]
    public async Task AValueOfTheWrongKindIsShownNextToItsField(string rule) =>
        await AssertRejectedAsync(ScalingCases.Unreadable[rule]);

    [Fact]
    public async Task AFormWithoutTheAntiforgeryTokenIsRefused()
    {
        using var admin = await site.AdminAsync();
        var before = (await admin.Http.GetJsonAsync("/api/manager/policy")).Payload.ToString();

        using var response = await admin.PostFormAsync(Page + "?handler=Save", ScalingCases.Over(new() { ["grow_cpu_percent"] = "80" }), withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, (await admin.Http.GetJsonAsync("/api/manager/policy")).Payload.ToString());
    }

    [Fact]
    public async Task TheButtonsTurnTheScalerOnAndOff()
    {
        using var admin = await site.AdminAsync();

        using var on = await admin.PostFormAsync(Page + "?handler=Enable", [], formPage: Page);
        var onPage = await admin.GetPageAsync(Page);
        using var off = await admin.PostFormAsync(Page + "?handler=Disable", [], formPage: Page);
        var offPage = await admin.GetPageAsync(Page);

        Assert.Equal(HttpStatusCode.Redirect, on.StatusCode);
        Assert.Contains("data-enabled=\"true\"", onPage);
        Assert.Contains("action=\"/manager/scaling?handler=Disable\"", onPage);
        Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        Assert.Contains("data-enabled=\"false\"", offPage);
        Assert.Contains("action=\"/manager/scaling?handler=Enable\"", offPage);
        Assert.False((await admin.Http.GetJsonAsync("/api/manager/scaler")).Payload.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task TheLogShowsEachTickNewestFirstWithItsInputsAndReasonFoldedAway()
    {
        using var admin = await site.AdminAsync();
        await admin.Http.FirstWorkerRunningAsync();
        using var tick = await admin.PostFormAsync(Page + "?handler=Tick", [], formPage: Page);
        var newest = (await admin.Http.GetJsonAsync("/api/manager/decisions?take=1")).Payload.GetProperty("items")[0];

        var html = await admin.GetPageAsync(Page);

        Assert.Equal(HttpStatusCode.Redirect, tick.StatusCode);
        var rows = DecisionPattern().Matches(html);
        Assert.NotEmpty(rows);
        Assert.Equal(newest.GetProperty("sequence").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), rows[0].Groups[1].Value);
        var sequences = rows.Select(r => long.Parse(r.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(sequences.OrderDescending(), sequences);
        var row = rows[0].Value;
        Assert.Contains("<details>", row);
        Assert.Contains(WebUtility.HtmlEncode(newest.GetProperty("reason").GetString()!), row);
        Assert.Contains($"data-worker=\"{ManagerHttp.FirstWorker}\"", row);
        Assert.Contains(newest.GetProperty("rule").GetString()!, row);
        foreach (var label in new[] { "mean CPU %", "σ", "λ̂ requests/s", "μ̂ requests/s", "below / between / above" })
        {
            Assert.Contains(WebUtility.HtmlEncode(label), WebUtility.HtmlEncode(WebUtility.HtmlDecode(row)));
        }
    }

    [Theory]
    [InlineData("spike", "Demand")]
    [InlineData("original", "Original")]
    public async Task WhatIfRunsTheSimulatorOnTheFormsValuesWithoutSavingThem(string trace, string mode)
    {
        using var admin = await site.AdminAsync();
        await SaveAsync(admin, ScalingCases.Default);
        var form = ScalingCases.Over(new() { ["mode"] = mode, ["grow_cpu_percent"] = "70" });
        form["trace"] = trace;

        using var response = await admin.PostFormAsync(Page + "?handler=WhatIf", form, formPage: Page);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"What if: {mode} mode on the {trace} trace", html);
        Assert.Matches("<table class=\"table\" id=\"what-if-metrics\">", html);
        Assert.Matches("<svg[^>]*>", html[html.IndexOf("id=\"what-if\"", StringComparison.Ordinal)..]);
        Assert.Equal("70", HtmlAssert.InputValue(html, "grow_cpu_percent"));
        var saved = (await admin.Http.GetJsonAsync("/api/manager/policy")).Payload;
        Assert.Equal(65, saved.GetProperty("grow_cpu_percent").GetDouble());
        Assert.Equal("Original", saved.GetProperty("mode").GetString());
    }

    [Fact]
    public async Task WhatIfWithABadPolicyShowsTheMessagesAndRunsNothing()
    {
        using var admin = await site.AdminAsync();
        var form = ScalingCases.Over(new() { ["shrink_ratio"] = "1.5" });
        form["trace"] = "sine";

        using var response = await admin.PostFormAsync(Page + "?handler=WhatIf", form, formPage: Page);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["Shrink ratio must be at least 0.0 and less than 1.0."], FieldErrors(html, "shrink_ratio"));
        Assert.DoesNotContain("id=\"what-if\"", html);
    }

    [Fact]
    public async Task OnlyAdministratorsSeeThePage()
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();
        using var anonymous = site.NewClient();

        using var member = await browser.Http.GetAsync(Page, Ct);
        using var nobody = await anonymous.Http.GetAsync(Page, Ct);

        Assert.NotEqual(HttpStatusCode.OK, member.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, nobody.StatusCode);
        Assert.Contains("/login", nobody.Headers.Location!.ToString());
    }

    private async Task AssertRejectedAsync((Dictionary<string, string> Values, (string Field, string Message)[] Errors) @case)
    {
        using var admin = await site.AdminAsync();
        var before = (await admin.Http.GetJsonAsync("/api/manager/policy")).Payload.ToString();
        var typed = ScalingCases.Over(@case.Values);

        using var response = await admin.PostFormAsync(Page + "?handler=Save", typed, formPage: Page);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        HtmlAssert.ShowsError("The policy was not saved: correct the fields marked below.", html);
        foreach (var field in ScalingCases.Default.Keys)
        {
            Assert.Equal(
                @case.Errors.Where(e => e.Field == field).Select(e => e.Message).Order(),
                FieldErrors(html, field).Order());
        }

        // What was typed is shown back, so it can be corrected.
        foreach (var (field, value) in @case.Values.Where(v => v.Key != "mode"))
        {
            Assert.Equal(value, HtmlAssert.InputValue(html, field));
        }

        Assert.Equal(before, (await admin.Http.GetJsonAsync("/api/manager/policy")).Payload.ToString());
    }

    private static async Task SaveAsync(SiteClient admin, Dictionary<string, string> policy)
    {
        using var response = await admin.PostFormAsync(Page + "?handler=Save", policy, formPage: Page);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>The messages shown inside the label of <paramref name="field"/>.</summary>
    private static List<string> FieldErrors(string html, string field) =>
        Regex.Matches(html, $"<small class=\"field-error\" data-field=\"{Regex.Escape(field)}\">([^<]*)</small>")
            .Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    [GeneratedRegex("<tbody class=\"decision\" data-sequence=\"(\\d+)\">.*?</details>", RegexOptions.Singleline)]
    private static partial Regex DecisionPattern();
}
