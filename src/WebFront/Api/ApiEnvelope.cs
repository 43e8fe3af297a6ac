using Microsoft.AspNetCore.Http.HttpResults;

using System.Text.Json.Serialization;

namespace FaceMask.WebFront.Api;

/// <summary>The JSON shape of the original course API: success flag plus payload or error.</summary>
public sealed record ApiSuccess<T>(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("payload")] T Payload);

public sealed record ApiError(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("error")] ApiErrorBody Error);

public sealed record ApiErrorBody(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message);

public static class ApiResults
{
    public static JsonHttpResult<ApiSuccess<T>> Ok<T>(T payload) =>
        TypedResults.Json(new ApiSuccess<T>(true, payload));

    public static JsonHttpResult<ApiError> Error(int status, string message) =>
        TypedResults.Json(new ApiError(false, new ApiErrorBody(status, message)), statusCode: status);
}
