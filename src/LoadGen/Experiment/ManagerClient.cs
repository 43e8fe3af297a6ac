using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceMask.Grains.Fleet;
using FaceMask.Grains.Scaling;
using FaceMask.LoadGen.Requests;

namespace FaceMask.LoadGen.Experiment;

/// <summary>The manager's JSON API (<c>/api/manager</c>) as an administrator, over HTTP Basic: policy, scaler, decisions, workers, series.</summary>
public sealed class ManagerClient(HttpClient http, Credentials admin)
{
    /// <summary>The API's JSON: snake_case names, enums as strings.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
    };

    public async Task<ScalingPolicy> PutPolicyAsync(ScalingPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        using var request = Request(HttpMethod.Put, "/api/manager/policy");
        request.Content = new StringContent(JsonSerializer.Serialize(policy, Json), Encoding.UTF8, "application/json");
        return await SendAsync<ScalingPolicy>(request, cancellationToken);
    }

    public Task<ScalingPolicy> PolicyAsync(CancellationToken cancellationToken) =>
        SendAsync<ScalingPolicy>(Request(HttpMethod.Get, "/api/manager/policy"), cancellationToken);

    public Task<ScalerStatus> EnableScalerAsync(CancellationToken cancellationToken) =>
        SendAsync<ScalerStatus>(Request(HttpMethod.Post, "/api/manager/scaler/enable"), cancellationToken);

    public Task<ScalerStatus> DisableScalerAsync(CancellationToken cancellationToken) =>
        SendAsync<ScalerStatus>(Request(HttpMethod.Post, "/api/manager/scaler/disable"), cancellationToken);

    public Task<IReadOnlyList<WorkerInfo>> WorkersAsync(CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<WorkerInfo>>(Request(HttpMethod.Get, "/api/manager/workers"), cancellationToken);

    public Task<DecisionPage> DecisionsAsync(int skip, int take, CancellationToken cancellationToken) =>
        SendAsync<DecisionPage>(Request(HttpMethod.Get, $"/api/manager/decisions?skip={skip}&take={take}"), cancellationToken);

    public Task<FleetSeriesPayload> SeriesAsync(int minutes, CancellationToken cancellationToken) =>
        SendAsync<FleetSeriesPayload>(Request(HttpMethod.Get, $"/api/manager/series?minutes={minutes}"), cancellationToken);

    /// <summary>Every decision taken at or after <paramref name="since"/>, oldest first (pages back through the log).</summary>
    public async Task<IReadOnlyList<ScalingDecision>> DecisionsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        const int Take = 200;
        var found = new List<ScalingDecision>();
        for (var skip = 0; ; skip += Take)
        {
            var page = await DecisionsAsync(skip, Take, cancellationToken);
            found.AddRange(page.Items.Where(d => d.At >= since));
            if (page.Items.Count < Take || page.Items[^1].At < since)
            {
                break;
            }
        }

        return [.. found.OrderBy(d => d.Sequence)];
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{admin.Username}:{admin.Password}")));
        return request;
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(
                    $"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {Shorten(body)}");
            }

            var envelope = JsonSerializer.Deserialize<Envelope<T>>(body, Json);
            return envelope is { Success: true, Payload: { } payload }
                ? payload
                : throw new InvalidOperationException($"{request.Method} {request.RequestUri} answered without a payload: {Shorten(body)}");
        }
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";

    private sealed record Envelope<T>(bool Success, T? Payload);
}

/// <summary>The answer of <c>GET /api/manager/series</c>: the fleet's per-minute series and each worker's.</summary>
public sealed record FleetSeriesPayload(
    int Minutes,
    FleetSeries Fleet,
    IReadOnlyDictionary<string, WorkerSeries> Workers);
