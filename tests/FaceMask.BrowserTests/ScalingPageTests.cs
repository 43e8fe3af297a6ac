using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FaceMask.IntegrationTests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FaceMask.BrowserTests;

/// <summary>
/// An administrator on /manager/scaling in a real browser against the real system: the policy form refuses bad values
/// with a message next to each field and saves good ones, "Tick now" adds a decision whose inputs and reason unfold,
/// and "what if" runs the simulator and draws its plot without saving anything. A plain user is turned away.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ScalingPageTests(BrowserSystem system)
{
    private const string PolicyApi = "/api/manager/policy";

    /// <summary>
    /// Whether the plot is known to put two labels on top of each other (the CPU legend once sat where a 66–80 % grow
    /// threshold is labelled); false: any overlap fails the test.
    /// </summary>
    private const bool KnownLegendOverlap = false;

    /// <summary>The red of <c>.field-error</c> in site.css (#8a1c1c): a message the eye can tell from the hints.</summary>
    private const string ErrorColour = "rgb(138, 28, 28)";

    /// <summary>The good policy of these tests: the original's thresholds moved, Demand mode; the rest stays as stored.</summary>
    private static readonly Dictionary<string, string> GoodValues = new()
    {
        ["grow_cpu_percent"] = "70",
        ["shrink_cpu_percent"] = "20",
        ["grow_ratio"] = "1.5",
        ["shrink_ratio"] = "0.2",
        ["mode"] = "Demand",
    };

    [Fact]
    [Trait("Category", "Browser")]
    public async Task PolicyFormShowsEachMessageNextToItsFieldKeepsThePolicyAndSavesGoodValues()
    {
        var shots = new Screenshots("scaling-policy");
        var stored = await GetPolicyWithBasicAsync();
        try
        {
            await using var context = await system.NewContextAsync();
            var page = await system.LogInAsAdminAsync(context);
            await page.GotoAsync("/manager/scaling");
            var shownBefore = await FormValuesAsync(page);
            Assert.Equal(Texts(stored), shownBefore);
            await shots.TakeAsync(page, "stored");

            // Values the policy's rules refuse: every broken rule gets its own message, by its field.
            var response = await SubmitAsync(page, "Save", new()
            {
                ["grow_cpu_percent"] = "20", ["shrink_cpu_percent"] = "30", ["grow_ratio"] = "0.9",
                ["shrink_ratio"] = "1.5", ["min_workers"] = "0", ["max_workers"] = "100",
            });
            Assert.Equal((400, "POST"), (response.Status, response.Request.Method));
            await Expect(page.Locator("main .alert")).ToContainTextAsync("The policy was not saved");
            await ExpectFieldErrorsAsync(page, new()
            {
                ["grow_cpu_percent"] = ["CPU grow threshold must be greater than the CPU shrink threshold."],
                ["grow_ratio"] = ["Grow ratio must be greater than 1.0.", "Grow ratio must be greater than the shrink ratio."],
                ["shrink_ratio"] = ["Shrink ratio must be at least 0.0 and less than 1.0."],
                ["min_workers"] = ["Minimum workers must be at least 1."],
                ["max_workers"] = ["Maximum workers must be at most 64."],
            });
            await Expect(Field(page, "grow_cpu_percent")).ToHaveValueAsync("20");   // what was typed comes back to correct
            await Expect(Field(page, "max_workers")).ToHaveValueAsync("100");
            await shots.TakeAsync(page, "rule-errors");

            // Text that is no number never reaches the rules: the form says which field and why.
            response = await SubmitAsync(page, "Save", new() { ["grow_cpu_percent"] = "lots", ["min_workers"] = "1.5", ["capacity_prior"] = "" });
            Assert.Equal((400, "POST"), (response.Status, response.Request.Method));
            await ExpectFieldErrorsAsync(page, new()
            {
                ["grow_cpu_percent"] = ["CPU grow threshold must be a number."],
                ["min_workers"] = ["Minimum workers must be a whole number."],
                ["capacity_prior"] = ["Capacity prior is required."],
            });
            await shots.TakeAsync(page, "parse-errors");

            await page.GotoAsync("/manager/scaling");
            Assert.Equal(shownBefore, await FormValuesAsync(page));
            await Expect(page.Locator("#policy .field-error")).ToHaveCountAsync(0);
            Assert.Equal(stored.GetRawText(), (await GetPolicyWithCookieAsync(page)).GetRawText());
            await shots.TakeAsync(page, "unchanged-after-reload");

            response = await SubmitAsync(page, "Save", GoodValues);
            Assert.Equal((200, "GET"), (response.Status, response.Request.Method));   // post, redirect, get
            Assert.EndsWith("/manager/scaling", page.Url, StringComparison.Ordinal);
            await Expect(page.Locator("main .flash")).ToHaveTextAsync("Scaling policy saved.");
            await Expect(page.Locator("#policy .field-error")).ToHaveCountAsync(0);
            await shots.TakeAsync(page, "saved");

            await page.ReloadAsync();
            var expected = shownBefore.ToDictionary();
            foreach (var (field, value) in GoodValues)
            {
                expected[field] = value;
            }

            Assert.Equal(expected, await FormValuesAsync(page));
            await shots.TakeAsync(page, "saved-after-reload");

            foreach (var saved in new[] { await GetPolicyWithCookieAsync(page), await GetPolicyWithBasicAsync() })
            {
                Assert.Equal(70, saved.GetProperty("grow_cpu_percent").GetDouble());
                Assert.Equal(20, saved.GetProperty("shrink_cpu_percent").GetDouble());
                Assert.Equal(1.5, saved.GetProperty("grow_ratio").GetDouble());
                Assert.Equal(0.2, saved.GetProperty("shrink_ratio").GetDouble());
                Assert.Equal("Demand", saved.GetProperty("mode").GetString());
                Assert.Equal(stored.GetProperty("max_workers").GetInt32(), saved.GetProperty("max_workers").GetInt32());
            }
        }
        finally
        {
            await PutPolicyAsync(stored);   // the other tests of this shared system see the policy they started with
        }
    }

    [Fact]
    [Trait("Category", "Browser")]
    public async Task TickNowLogsADecisionWhoseInputsAndReasonUnfold()
    {
        var shots = new Screenshots("scaling-decisions");
        await using var context = await system.NewContextAsync();
        var page = await system.LogInAsAdminAsync(context);
        await page.GotoAsync("/manager/scaling");

        // The switch: off and on again, each state shown after a reload (the scaler keeps it in its state).
        await Expect(page.Locator("#scaler")).ToHaveAttributeAsync("data-enabled", "true");
        await page.ClickAsync("main form[action*='handler=Disable'] button");
        await page.WaitForURLAsync("**/manager/scaling");
        await page.ReloadAsync();
        await Expect(page.Locator("#scaler")).ToHaveAttributeAsync("data-enabled", "false");
        await Expect(page.Locator("#scaler")).ToContainTextAsync("Off");
        await shots.TakeAsync(page, "scaler-off");
        await page.ClickAsync("main form[action*='handler=Enable'] button");
        await page.WaitForURLAsync("**/manager/scaling");
        await page.ReloadAsync();
        await Expect(page.Locator("#scaler")).ToHaveAttributeAsync("data-enabled", "true");

        var newestBefore = await NewestSequenceAsync(page);
        await page.ClickAsync("main form[action*='handler=Tick'] button");
        await page.WaitForURLAsync("**/manager/scaling");
        var flash = await page.Locator("main .flash").TextContentAsync() ?? "";
        var match = TickMessage().Match(flash);
        Assert.True(match.Success, $"No tick message after 'Tick now': '{flash}'");
        var sequence = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(sequence > newestBefore, $"Tick {sequence} is not newer than the newest logged before ({newestBefore}).");

        // The periodic tick may land just after ours: find our row by its number rather than assume it is on top.
        var decision = page.Locator($"#decisions tbody.decision[data-sequence='{sequence}']");
        await Expect(decision).ToHaveCountAsync(1);
        var policy = await GetPolicyWithCookieAsync(page);
        var cells = decision.Locator("tr").First.Locator("td");
        await Expect(cells.Nth(0)).ToHaveTextAsync(sequence.ToString(CultureInfo.InvariantCulture));
        await Expect(cells.Nth(2)).ToHaveTextAsync(policy.GetProperty("mode").GetString()!);
        await Expect(cells.Nth(3)).Not.ToBeEmptyAsync();
        await Expect(cells.Nth(5)).ToHaveTextAsync(SizeChange());
        await Expect(page.Locator("main .muted:has-text('No decision yet.')")).ToHaveCountAsync(0);

        var details = decision.Locator("details");
        var reason = details.Locator("p.reason");
        await Expect(details).Not.ToHaveAttributeAsync("open", "");
        await Expect(reason).ToBeHiddenAsync();
        await decision.ScrollIntoViewIfNeededAsync();
        await shots.TakeAsync(page, "logged");

        await details.Locator("summary").ClickAsync();
        await Expect(details).ToHaveAttributeAsync("open", "");
        await Expect(reason).ToBeVisibleAsync();
        Assert.False(string.IsNullOrWhiteSpace(await reason.TextContentAsync()), "The decision's reason is empty.");
        foreach (var input in new[] { "below / between / above", "mean CPU %", "σ", "λ̂ requests/s", "μ̂ requests/s" })
        {
            await Expect(details.Locator("ul.stats li", new() { HasText = input })).ToBeVisibleAsync();
        }

        var grow = policy.GetProperty("grow_cpu_percent").GetDouble().ToString("0.##", CultureInfo.InvariantCulture);
        await Expect(details.Locator("p.muted")).ToContainTextAsync($"Policy: grow {grow} %");
        var seen = details.Locator("table.workers-seen tbody tr");
        Assert.True(await seen.CountAsync() >= 1, "The decision lists no worker it looked at.");
        await Expect(seen.First).ToBeVisibleAsync();
        await shots.TakeAsync(page, "expanded");
    }

    [Fact]
    [Trait("Category", "Browser")]
    public async Task WhatIfOnTheOriginalTraceShowsMetricsAndPlotAndSavesNothing()
    {
        var shots = new Screenshots("scaling-what-if");
        await using var context = await system.NewContextAsync();
        var page = await system.LogInAsAdminAsync(context);
        var stored = await GetPolicyWithCookieAsync(page);
        await page.GotoAsync("/manager/scaling");
        var shownBefore = await FormValuesAsync(page);

        await page.SelectOptionAsync("#policy select[name=trace]", "original");
        var response = await SubmitAsync(page, "WhatIf", GoodValues);
        Assert.Equal((200, "POST"), (response.Status, response.Request.Method));
        var whatIf = page.Locator("#what-if");
        await Expect(whatIf.Locator("h3")).ToHaveTextAsync("What if: Demand mode on the original trace");
        var metrics = whatIf.Locator("#what-if-metrics tbody td");
        await Expect(metrics).ToHaveCountAsync(10);
        foreach (var text in await metrics.AllTextContentsAsync())
        {
            Assert.Matches(Number(), text);
        }

        var plot = whatIf.Locator("figure svg");
        await Expect(plot).ToBeVisibleAsync();
        Assert.True(await plot.Locator("path").CountAsync() >= 5, "The plot draws fewer lines than load, demand, serving, booting and CPU.");
        await Expect(plot.Locator("text", new() { HasText = "Trace original, Demand mode" })).ToHaveCountAsync(1);
        await ExpectPlotFitsAsync(page, "#what-if figure", KnownLegendOverlap);
        await Expect(Field(page, "grow_cpu_percent")).ToHaveValueAsync("70");   // the typed values stay to try again
        await whatIf.ScrollIntoViewIfNeededAsync();
        await shots.TakeAsync(page, "result");

        // On a phone-sized window the plot scales down with its box rather than running off the page.
        await page.SetViewportSizeAsync(420, 900);
        await ExpectPlotFitsAsync(page, "#what-if figure", KnownLegendOverlap);
        await shots.TakeAsync(page, "result-narrow");
        await page.SetViewportSizeAsync(1280, 900);

        var pagePlot = Path.Combine(Screenshots.Folder, "scaling-what-if-plot.svg");
        Directory.CreateDirectory(Screenshots.Folder);
        await File.WriteAllTextAsync(pagePlot, await plot.EvaluateAsync<string>("s => s.outerHTML"), Cancel);

        Assert.Equal(stored.GetRawText(), (await GetPolicyWithCookieAsync(page)).GetRawText());
        await page.GotoAsync("/manager/scaling");
        Assert.Equal(shownBefore, await FormValuesAsync(page));
        await Expect(page.Locator("#what-if")).ToHaveCountAsync(0);

        // The same plot alone in the browser, next to the one the simulate command writes, for the eye to compare.
        await OpenPlotAsync(context, pagePlot, shots, "plot-alone", KnownLegendOverlap);

        var cliPlot = Path.Combine(Screenshots.Folder, "scaling-simulate-cli.svg");
        var log = new OutputLog();
        using var cli = Processes.Start(Processes.SiloProgram, ["simulate", "--trace", "original", "--mode", "demand", "--no-noise", "--svg", cliPlot], log);
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel))
        {
            deadline.CancelAfter(TimeSpan.FromSeconds(60));
            await cli.WaitForExitAsync(deadline.Token);
        }

        Assert.True(cli.ExitCode == 0, "simulate failed:" + Environment.NewLine + log);
        await OpenPlotAsync(context, cliPlot, shots, "plot-cli", allowOverlaps: false);
    }

    [Fact]
    [Trait("Category", "Browser")]
    public async Task PlainUserIsTurnedAwayFromTheScalingPageAndItsApi()
    {
        var shots = new Screenshots("scaling-refused");
        await using var context = await system.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("/manager/scaling");
        await page.WaitForURLAsync("**/login**");   // nobody signed in: the login page first

        var user = "s" + Guid.NewGuid().ToString("N")[..10];
        const string Password = "plain user password";
        await page.GotoAsync("/register");
        await page.FillAsync("#Username", user);
        await page.FillAsync("#Password", Password);
        await page.FillAsync("#Confirm", Password);
        await page.ClickAsync("main button[type=submit]");
        await Expect(page.Locator("header .who")).ToHaveTextAsync(user);
        await Expect(page.Locator("header a[href='/manager']")).ToHaveCountAsync(0);

        await page.GotoAsync("/manager/scaling");
        await page.WaitForURLAsync("**/denied**");
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Not allowed");
        await Expect(page.Locator("#policy")).ToHaveCountAsync(0);
        await Expect(page.Locator("#decisions")).ToHaveCountAsync(0);
        await shots.TakeAsync(page, "denied");

        var api = await page.APIRequest.GetAsync(PolicyApi);
        Assert.Equal(403, api.Status);
    }

    private static ILocator Field(IPage page, string field) => page.Locator($"#policy [name='{field}']");

    /// <summary>
    /// Types <paramref name="values"/> (a select for the mode), presses the form's button for <paramref name="handler"/>
    /// and returns the page the browser ends on: the form again (400 with messages, or 200), or after a redirect the GET.
    /// </summary>
    private static async Task<IResponse> SubmitAsync(IPage page, string handler, Dictionary<string, string> values)
    {
        foreach (var (field, value) in values)
        {
            if (field == "mode")
            {
                await page.SelectOptionAsync("#policy select[name=mode]", value);
            }
            else
            {
                await Field(page, field).FillAsync(value);
            }
        }

        var response = await page.RunAndWaitForResponseAsync(
            () => page.ClickAsync($"#policy button[formaction*='handler={handler}']"),
            r => r.Request.ResourceType == "document" && r.Status is < 300 or >= 400);
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        return response;
    }

    /// <summary>Each field's messages sit in its own label, right under its input, in the error red; no other field has one.</summary>
    private static async Task ExpectFieldErrorsAsync(IPage page, Dictionary<string, string[]> expected)
    {
        await Expect(page.Locator("#policy .field-error")).ToHaveCountAsync(expected.Values.Sum(m => m.Length));
        foreach (var (field, messages) in expected)
        {
            var label = page.Locator("#policy label").Filter(new() { Has = page.Locator($"[name='{field}']") });
            var errors = label.Locator($"small.field-error[data-field='{field}']");
            await Expect(errors).ToHaveTextAsync(messages);
            var input = (await Field(page, field).BoundingBoxAsync())!;
            for (var i = 0; i < messages.Length; i++)
            {
                var error = errors.Nth(i);
                await Expect(error).ToBeVisibleAsync();
                await Expect(error).ToHaveCSSAsync("color", ErrorColour);
                var box = (await error.BoundingBoxAsync())!;
                Assert.True(
                    box.Y >= input.Y + input.Height - 1 && box.Y < input.Y + input.Height + 120 && box.X < input.X + input.Width && box.X + box.Width > input.X,
                    $"The message '{messages[i]}' is not under the {field} input: message at {box.X},{box.Y}, input at {input.X},{input.Y} {input.Width}x{input.Height}.");
            }
        }
    }

    private static async Task<Dictionary<string, string>> FormValuesAsync(IPage page)
    {
        var values = new Dictionary<string, string>();
        foreach (var field in (await page.Locator("#policy label :is(input, select)[name]").EvaluateAllAsync<string[]>("fs => fs.map(f => f.name)")).Where(f => f != "trace"))
        {
            values[field] = await Field(page, field).InputValueAsync();
        }

        return values;
    }

    /// <summary>The form's text of a stored policy, as the page writes it (invariant numbers, the mode's name).</summary>
    private static Dictionary<string, string> Texts(JsonElement policy) =>
        policy.EnumerateObject().ToDictionary(
            p => p.Name,
            p => p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble().ToString(CultureInfo.InvariantCulture) : p.Value.GetString()!);

    private static async Task<long> NewestSequenceAsync(IPage page)
    {
        var sequences = await page.Locator("#decisions tbody.decision").EvaluateAllAsync<long[]>("rows => rows.map(r => Number(r.dataset.sequence))");
        return sequences.Length == 0 ? 0 : sequences.Max();
    }

    /// <summary>
    /// The SVG inside <paramref name="box"/> is drawn, lies within the box, none of its labels runs outside the
    /// drawing (a cut-off axis or title), and (unless <paramref name="allowOverlaps"/>) no two labels cover each other.
    /// Overlapping labels are always written to the test's output.
    /// </summary>
    private static async Task ExpectPlotFitsAsync(IPage page, string box, bool allowOverlaps)
    {
        var fit = await page.Locator(box).EvaluateAsync<JsonElement>(
            """
            box => {
                const svg = box.querySelector('svg');
                const outer = box.getBoundingClientRect(), s = svg.getBoundingClientRect();
                const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() !== '')
                    .map(t => ({ text: t.textContent, r: t.getBoundingClientRect() }));
                const out = texts.filter(({ r }) => r.left < s.left - 0.5 || r.right > s.right + 0.5 || r.top < s.top - 0.5 || r.bottom > s.bottom + 0.5)
                    .map(t => t.text);
                const overlaps = [];
                texts.forEach((a, i) => texts.slice(i + 1).forEach(b => {
                    const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
                    const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
                    if (w > 1 && h > 1) overlaps.push(`'${a.text}' and '${b.text}' share ${w.toFixed(0)}x${h.toFixed(0)} px`);
                }));
                const page = document.documentElement.scrollWidth <= window.innerWidth;
                return { width: s.width, height: s.height, inside: s.left >= outer.left - 0.5 && s.right <= outer.right + 0.5, out, overlaps, page };
            }
            """);
        var width = fit.GetProperty("width").GetDouble();
        var overlaps = fit.GetProperty("overlaps").EnumerateArray().Select(t => t.GetString()).ToList();
        foreach (var overlap in overlaps)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"plot labels overlap at a {page.ViewportSize?.Width} px window: {overlap}");
        }

        Assert.True(width > 200 && fit.GetProperty("height").GetDouble() > 150, $"The plot is not laid out: {width}x{fit.GetProperty("height").GetDouble()}.");
        Assert.True(fit.GetProperty("inside").GetBoolean(), $"The plot ({width:0} px wide) runs out of its box at a {page.ViewportSize?.Width} px window.");
        Assert.True(fit.GetProperty("page").GetBoolean(), $"The page scrolls sideways at a {page.ViewportSize?.Width} px window.");
        Assert.Empty(fit.GetProperty("out").EnumerateArray().Select(t => t.GetString()));
        if (!allowOverlaps)
        {
            Assert.Empty(overlaps);
        }
    }

    /// <summary>Opens a plot file on its own (as a user opening the SVG would), checks it fits and keeps a screenshot.</summary>
    private static async Task OpenPlotAsync(IBrowserContext context, string path, Screenshots shots, string label, bool allowOverlaps)
    {
        var page = await context.NewPageAsync();
        await page.SetContentAsync($"<!doctype html><body style=\"margin:0\"><div id=\"plot\" style=\"display:inline-block\">{await File.ReadAllTextAsync(path, Cancel)}</div></body>");
        await Expect(page.Locator("#plot svg path").First).ToBeVisibleAsync();
        await ExpectPlotFitsAsync(page, "#plot", allowOverlaps);
        await shots.TakeAsync(page, label);
        TestContext.Current.TestOutputHelper?.WriteLine("plot: " + path);
    }

    private async Task<JsonElement> GetPolicyWithBasicAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, PolicyApi);
        request.Headers.Authorization = Basic();
        using var response = await system.System.Http.SendAsync(request, Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"GET {PolicyApi}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("payload").Clone();
    }

    private static async Task<JsonElement> GetPolicyWithCookieAsync(IPage page)
    {
        var response = await page.APIRequest.GetAsync(PolicyApi);
        Assert.Equal(200, response.Status);
        return (await response.JsonAsync())!.Value.GetProperty("payload");
    }

    private async Task PutPolicyAsync(JsonElement policy)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, PolicyApi)
        {
            Content = new StringContent(policy.GetRawText(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = Basic();
        using var response = await system.System.Http.SendAsync(request, Cancel);
        Assert.True(response.IsSuccessStatusCode, $"PUT {PolicyApi}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private AuthenticationHeaderValue Basic() =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{BrowserSystem.AdminName}:{system.AdminPassword}")));

    [GeneratedRegex(@"^Tick (\d+): ")]
    private static partial Regex TickMessage();

    [GeneratedRegex(@"^\d+ → \d+$")]
    private static partial Regex SizeChange();

    [GeneratedRegex(@"^-?\d+(\.\d+)?$")]
    private static partial Regex Number();
}
