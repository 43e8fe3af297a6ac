using System.Net;
using System.Text;
using System.Text.Json;
using FaceMask.IntegrationTests.Site;

namespace FaceMask.IntegrationTests.ManagerSite;

/// <summary>The scaling API on the shared site: real HTTP, the real policy and scaler grains in the real worker.</summary>
[Collection(SiteCollection.Name)]
public sealed class ScalingApiTests(SiteFactory site)
{
    private HttpClient Admin() => site.BasicClient(SiteFactory.AdminName, SiteFactory.AdminPassword);

    private static Task<JsonReply> PutPolicyAsync(HttpClient http, string json) =>
        http.SendJsonAsync(HttpMethod.Put, "/api/manager/policy", new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task APolicyPutIsSavedAndReadBackAndFieldsLeftOutKeepTheirValue()
    {
        using var http = Admin();
        await PutPolicyAsync(http, ScalingCases.Json(ScalingCases.Default));

        var saved = (await PutPolicyAsync(http, """{"grow_cpu_percent": 70, "shrink_cpu_percent": 20, "mode": "Demand", "capacity_prior": 11.5}""")).Payload;
        var read = (await http.GetJsonAsync("/api/manager/policy")).Payload;

        Assert.Equal(saved.ToString(), read.ToString());
        Assert.Equal(70, read.GetProperty("grow_cpu_percent").GetDouble());
        Assert.Equal(20, read.GetProperty("shrink_cpu_percent").GetDouble());
        Assert.Equal("Demand", read.GetProperty("mode").GetString());
        Assert.Equal(11.5, read.GetProperty("capacity_prior").GetDouble());
        Assert.Equal(2, read.GetProperty("grow_ratio").GetDouble());
        Assert.Equal(8, read.GetProperty("max_workers").GetInt32());
        Assert.Equal(2, read.GetProperty("stabilization_ticks").GetInt32());

        (await PutPolicyAsync(http, ScalingCases.Json(ScalingCases.Default))).Payload.GetProperty("mode");
    }

    [Theory]
    [MemberData(nameof(ScalingCases.InvalidNames), MemberType = typeof(ScalingCases))]
    public async Task ABadPolicyIsA400WithEveryMessageByFieldAndChangesNothing(string rule) =>
        await AssertRejectedAsync(ScalingCases.Invalid[rule]);

    [Theory]
    [MemberData(nameof(ScalingCases.UnreadableNames), MemberType = typeof(ScalingCases))]
    public async Task AValueOfTheWrongKindIsA400ByField(string rule) =>
        await AssertRejectedAsync(ScalingCases.Unreadable[rule]);

    [Theory]
    [InlineData("{\"grow_cpu_percent\": ")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    [InlineData("\"policy\"")]
    public async Task ABodyThatIsNotAJsonObjectIsA400(string body)
    {
        using var http = Admin();
        var before = (await http.GetJsonAsync("/api/manager/policy")).Payload.ToString();

        var reply = await PutPolicyAsync(http, body);

        reply.AssertError(HttpStatusCode.BadRequest, "Bad Request - Send a JSON object with the policy's fields");
        Assert.Equal(before, (await http.GetJsonAsync("/api/manager/policy")).Payload.ToString());
    }

    [Fact]
    public async Task AnUnknownFieldIsA400()
    {
        using var http = Admin();

        var reply = await PutPolicyAsync(http, """{"grow_cpu": 70}""");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.StartsWith("Unknown field 'grow_cpu'", reply.Body.GetProperty("error").GetProperty("fields").GetProperty("grow_cpu")[0].GetString());
    }

    [Fact]
    public async Task EnableAndDisableAnswerTheScalersStatus()
    {
        using var http = Admin();

        var on = (await http.SendJsonAsync(HttpMethod.Post, "/api/manager/scaler/enable")).Payload;
        var status = (await http.GetJsonAsync("/api/manager/scaler")).Payload;
        var off = (await http.SendJsonAsync(HttpMethod.Post, "/api/manager/scaler/disable")).Payload;

        Assert.True(on.GetProperty("enabled").GetBoolean());
        Assert.True(status.GetProperty("enabled").GetBoolean());
        Assert.Equal("00:01:00", on.GetProperty("period").GetString());
        Assert.False(off.GetProperty("enabled").GetBoolean());
        Assert.False((await http.GetJsonAsync("/api/manager/scaler")).Payload.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task DecisionsPageNewestFirstWithEveryInput()
    {
        using var http = Admin();
        await http.FirstWorkerRunningAsync();
        var first = (await http.SendJsonAsync(HttpMethod.Post, "/api/manager/scaler/tick")).Payload;
        var second = (await http.SendJsonAsync(HttpMethod.Post, "/api/manager/scaler/tick")).Payload;

        var page = (await http.GetJsonAsync("/api/manager/decisions?skip=0&take=2")).Payload;
        var older = (await http.GetJsonAsync("/api/manager/decisions?skip=1&take=1")).Payload;

        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(
            [second.GetProperty("sequence").GetInt64(), first.GetProperty("sequence").GetInt64()],
            items.Select(d => d.GetProperty("sequence").GetInt64()));
        Assert.True(page.GetProperty("total").GetInt32() >= 2);
        Assert.Equal(first.GetProperty("sequence").GetInt64(), older.GetProperty("items")[0].GetProperty("sequence").GetInt64());
        var decision = items[0];
        foreach (var field in new[]
                 {
                     "at", "mode", "policy", "workers", "below_shrink", "between", "above_grow", "mean_cpu", "std_dev_cpu",
                     "arrival_rate", "capacity_estimate", "rule", "action", "count", "reason", "current_size", "target_size", "apply_error",
                 })
        {
            Assert.True(decision.TryGetProperty(field, out _), $"a decision has no {field}: {decision}");
        }

        var worker = decision.GetProperty("workers").EnumerateArray().Single(w => w.GetProperty("worker_id").GetString() == ManagerHttp.FirstWorker);
        Assert.True(worker.GetProperty("serving").GetBoolean());
        Assert.Equal("None", decision.GetProperty("action").GetString());
    }

    [Theory]
    [InlineData("skip=-1", "Bad Request - skip must be at least 0")]
    [InlineData("take=0", "Bad Request - take must be between 1 and 200")]
    [InlineData("take=201", "Bad Request - take must be between 1 and 200")]
    public async Task DecisionPagesOutOfRangeAreA400(string query, string message)
    {
        using var http = Admin();

        (await http.GetJsonAsync("/api/manager/decisions?" + query)).AssertError(HttpStatusCode.BadRequest, message);
    }

    [Fact]
    public async Task OnlyAdministratorsMayUseIt()
    {
        using var browser = site.NewClient();
        var user = await browser.RegisterNewUserAsync();
        using var anonymous = site.CreateClient();
        using var member = site.BasicClient(user, "password-123");

        (await anonymous.GetJsonAsync("/api/manager/policy")).AssertError(
            HttpStatusCode.Unauthorized, "Unauthorized - Sign in as an administrator or send HTTP Basic credentials");
        (await member.SendJsonAsync(HttpMethod.Put, "/api/manager/policy", new StringContent("{}", Encoding.UTF8, "application/json")))
            .AssertError(HttpStatusCode.Forbidden, "Forbidden - Administrators only");
        (await member.SendJsonAsync(HttpMethod.Post, "/api/manager/scaler/enable")).AssertError(HttpStatusCode.Forbidden, "Forbidden - Administrators only");
    }

    private async Task AssertRejectedAsync((Dictionary<string, string> Values, (string Field, string Message)[] Errors) @case)
    {
        using var http = Admin();
        var before = (await http.GetJsonAsync("/api/manager/policy")).Payload.ToString();

        var reply = await PutPolicyAsync(http, ScalingCases.Json(ScalingCases.Over(@case.Values)));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        var error = reply.Body.GetProperty("error");
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        var byField = error.GetProperty("fields").EnumerateObject()
            .SelectMany(f => f.Value.EnumerateArray().Select(m => (f.Name, m.GetString()!)))
            .Order().ToList();
        Assert.Equal(@case.Errors.Select(e => (e.Field, e.Message)).Order().ToList(), byField);
        Assert.All(@case.Errors, e => Assert.Contains(e.Message, error.GetProperty("message").GetString()));
        Assert.StartsWith("Bad Request - Invalid policy: ", error.GetProperty("message").GetString());
        Assert.Equal(before, (await http.GetJsonAsync("/api/manager/policy")).Payload.ToString());
    }
}
