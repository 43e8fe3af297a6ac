using System.Text.Json;
using System.Text.Json.Serialization;
using FaceMask.Grains.Fleet;
using FaceMask.WebFront.Accounts;
using FaceMask.WebFront.Api;
using FaceMask.WebFront.Storage;

namespace FaceMask.WebFront.Manager;

/// <summary>The manager's JSON API for scripts: the worker set and its series.</summary>
public static class ManagerApi
{
    public const int MaxMinutes = 60;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
    };

    public static IEndpointRouteBuilder MapManagerApi(this IEndpointRouteBuilder app)
    {
        // JSON bodies only: a cross-site form cannot send one, so cookie sessions need no antiforgery here.
        var api = app.MapGroup("/api/manager").DisableAntiforgery().AddEndpointFilter(RequireAdminAsync);
        api.MapGet("/workers", ListAsync);
        api.MapPost("/workers", AddAsync);
        api.MapDelete("/workers/{id}", RemoveAsync);
        api.MapGet("/series", SeriesAsync);
        return app;
    }

    internal static async ValueTask<object?> RequireAdminAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var refusal = await ManagerAccess.RefuseUnlessAdminAsync(
            http, http.RequestServices.GetRequiredService<AccountService>(), http.RequestServices.GetRequiredService<IUserStore>());
        return refusal ?? await next(context);
    }

    private static async Task<IResult> ListAsync(IClusterClient cluster, string? state)
    {
        WorkerState? filter = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (!Enum.TryParse<WorkerState>(state, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return ApiResults.Error(StatusCodes.Status400BadRequest, $"Bad Request - Unknown state '{state}'");
            }

            filter = parsed;
        }

        return Ok(await cluster.GetGrain<IFleetGrain>(FleetKeys.Default).ListAsync(filter));
    }

    private static async Task<IResult> AddAsync(HttpRequest request, IClusterClient cluster)
    {
        AddWorkers? body;
        try
        {
            body = await request.ReadFromJsonAsync<AddWorkers>(Json, request.HttpContext.RequestAborted);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "Bad Request - Send a JSON body {\"count\": n}");
        }

        if (body is not { Count: >= 1 and <= 64 })
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "Bad Request - count must be between 1 and 64");
        }

        return Ok(await cluster.GetGrain<IFleetGrain>(FleetKeys.Default).AddAsync(body.Count));
    }

    private static async Task<IResult> RemoveAsync(string id, IClusterClient cluster)
    {
        var change = await cluster.GetGrain<IFleetGrain>(FleetKeys.Default).RemoveWorkerAsync(id);
        return change.Workers.Count == 0
            ? ApiResults.Error(change.Refusal?.Contains("not found", StringComparison.OrdinalIgnoreCase) == true ? 404 : 409, "Refused - " + change.Refusal)
            : Ok(change);
    }

    private static async Task<IResult> SeriesAsync(IClusterClient cluster, int? minutes)
    {
        var span = Math.Clamp(minutes ?? 30, 1, MaxMinutes);
        var fleet = cluster.GetGrain<IFleetGrain>(FleetKeys.Default);
        var workers = await fleet.ListAsync(null);
        var fleetSeries = await fleet.SeriesAsync(span);
        var perWorker = new Dictionary<string, WorkerSeries>();
        foreach (var worker in workers.Where(w => w.State is WorkerState.Running or WorkerState.Draining or WorkerState.Starting))
        {
            perWorker[worker.Id] = await cluster.GetGrain<IWorkerGrain>(worker.Id).SeriesAsync(span);
        }

        return Ok(new SeriesPayload(span, fleetSeries, perWorker));
    }

    private static IResult Ok<T>(T payload) => TypedResults.Json(new ApiSuccess<T>(true, payload), Json);

    private sealed record AddWorkers(int Count);

    private sealed record SeriesPayload(
        int Minutes,
        FleetSeries Fleet,
        [property: JsonPropertyName("workers")] IReadOnlyDictionary<string, WorkerSeries> Workers);
}
