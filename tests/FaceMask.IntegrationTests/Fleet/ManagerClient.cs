using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace FaceMask.IntegrationTests.Fleet;

/// <summary>One worker as <c>GET /api/manager/workers</c> shows it.</summary>
public sealed record WorkerView(string Id, string Name, string State, string? InstanceId, int GatewayPort, bool CpuQuotaActive, string? Detail)
{
    /// <summary>The worker's process id, from the local provisioner's instance id ("pid:starttime"); null for an adopted worker.</summary>
    public int? Pid => InstanceId?.Split(':') is [var pid, _] ? int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>The manager JSON API as a script uses it: an administrator's credentials as HTTP Basic.</summary>
public sealed class ManagerClient(HttpClient http, string username, string password)
{
    private readonly AuthenticationHeaderValue _basic =
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));

    public async Task<IReadOnlyList<WorkerView>> WorkersAsync(string? state = null)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/manager/workers" + (state is null ? "" : "?state=" + state));
        var body = await ReadAsync(response);
        return body.GetProperty("payload").EnumerateArray().Select(w => new WorkerView(
            w.GetProperty("id").GetString()!,
            w.GetProperty("name").GetString()!,
            w.GetProperty("state").GetString()!,
            w.GetProperty("instance_id").GetString(),
            w.GetProperty("gateway_port").GetInt32(),
            w.GetProperty("cpu_quota_active").GetBoolean(),
            w.GetProperty("detail").GetString())).ToList();
    }

    public async Task<IReadOnlyList<WorkerView>> RunningAsync() => await WorkersAsync("Running");

    /// <summary><c>DELETE /api/manager/workers/{id}</c>; the status code.</summary>
    public async Task<int> RemoveAsync(string id)
    {
        using var response = await SendAsync(HttpMethod.Delete, "/api/manager/workers/" + id);
        return (int)response.StatusCode;
    }

    public async Task AddAsync(int count)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/manager/workers", JsonContent.Create(new { count }));
        await ReadAsync(response);
    }

    /// <summary><c>GET /api/manager/series</c>: the fleet's and each live worker's per-minute series.</summary>
    public async Task<JsonElement> SeriesAsync(int minutes)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/manager/series?minutes={minutes}");
        return (await ReadAsync(response)).GetProperty("payload");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = _basic;
        return await http.SendAsync(request);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode} from the manager API: {text}");
        }

        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }
}
