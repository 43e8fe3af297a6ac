using System.Text.Json;
using System.Text.Json.Serialization;
using FaceMask.Grains.Scaling;
using FaceMask.WebFront.Api;

namespace FaceMask.WebFront.Manager;

/// <summary>The scaling policy, the decision log and the scaler's switch for scripts (admins, like the rest of /api/manager).</summary>
public static class ScalingApi
{
    public const int MaxTake = 200;

    public static IEndpointRouteBuilder MapScalingApi(this IEndpointRouteBuilder app)
    {
        // The same group rules as ManagerApi: JSON bodies only (no antiforgery needed), administrators only.
        var api = app.MapGroup("/api/manager").DisableAntiforgery().AddEndpointFilter(ManagerApi.RequireAdminAsync);
        api.MapGet("/policy", GetPolicyAsync);
        api.MapPut("/policy", PutPolicyAsync);
        api.MapGet("/decisions", DecisionsAsync);
        api.MapGet("/scaler", async (IClusterClient cluster) => Ok(await Scaler(cluster).StatusAsync()));
        api.MapPost("/scaler/enable", async (IClusterClient cluster) => Ok(await Scaler(cluster).EnableAsync()));
        api.MapPost("/scaler/disable", async (IClusterClient cluster) => Ok(await Scaler(cluster).DisableAsync()));
        api.MapPost("/scaler/tick", async (IClusterClient cluster) => Ok(await Scaler(cluster).TickAsync()));
        return app;
    }

    private static IScalerGrain Scaler(IClusterClient cluster) => cluster.GetGrain<IScalerGrain>(ScalingKeys.Default);

    private static IPolicyGrain Policy(IClusterClient cluster) => cluster.GetGrain<IPolicyGrain>(ScalingKeys.Default);

    private static async Task<IResult> GetPolicyAsync(IClusterClient cluster) => Ok(await Policy(cluster).GetAsync());

    /// <summary>Fields left out keep their current value; every problem comes back at once, by field.</summary>
    private static async Task<IResult> PutPolicyAsync(HttpRequest request, IClusterClient cluster)
    {
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, BadBody);
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, BadBody);
        }

        var policy = Policy(cluster);
        var parsed = PolicyInput.FromJson(body, await policy.GetAsync());
        if (parsed.Policy is null)
        {
            return Invalid(parsed.Errors);
        }

        var update = await policy.UpdateAsync(parsed.Policy);
        return update.Saved ? Ok(update.Policy) : Invalid(update.Errors);
    }

    private static async Task<IResult> DecisionsAsync(IClusterClient cluster, int? skip, int? take)
    {
        if (skip is < 0)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "Bad Request - skip must be at least 0");
        }

        if (take is < 1 or > MaxTake)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, $"Bad Request - take must be between 1 and {MaxTake}");
        }

        return Ok(await Scaler(cluster).DecisionsAsync(skip ?? 0, take ?? 20));
    }

    private const string BadBody = "Bad Request - Send a JSON object with the policy's fields";

    private static IResult Invalid(IReadOnlyList<PolicyError> errors) =>
        TypedResults.Json(
            new PolicyRejection(false, new PolicyRejectionBody(
                StatusCodes.Status400BadRequest,
                "Bad Request - Invalid policy: " + string.Join(" ", errors.Select(e => e.Message)),
                errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToList()))),
            ManagerApi.Json,
            statusCode: StatusCodes.Status400BadRequest);

    private static IResult Ok<T>(T payload) => TypedResults.Json(new ApiSuccess<T>(true, payload), ManagerApi.Json);

    /// <summary>The API's error shape plus <c>fields</c>: every message, by field.</summary>
    private sealed record PolicyRejection(
        [property: JsonPropertyName("success")] bool Success,
        [property: JsonPropertyName("error")] PolicyRejectionBody Error);

    private sealed record PolicyRejectionBody(
        [property: JsonPropertyName("code")] int Code,
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("fields")] IReadOnlyDictionary<string, List<string>> Fields);
}
