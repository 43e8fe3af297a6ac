using System.Net;

namespace FaceMask.Grains.Aws;

/// <summary>
/// An AWS API call that failed: the service, the action, the HTTP status and AWS's own error code and message, so
/// that a 4xx tells the operator exactly what to fix (a wrong AMI id, a missing permission) instead of a stack trace.
/// </summary>
public sealed class AwsApiException(
    string service,
    string action,
    HttpStatusCode statusCode,
    string errorCode,
    string errorMessage,
    string? requestId,
    Exception? innerException = null)
    : Exception(Describe(service, action, statusCode, errorCode, errorMessage, requestId), innerException)
{
    private static readonly HashSet<string> ThrottlingCodes = new(
        [
            "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled", "RequestThrottledException",
            "TooManyRequestsException", "RequestLimitExceeded", "BandwidthLimitExceeded", "SlowDown",
            "PriorRequestNotComplete", "EC2ThrottledException", "ProvisionedThroughputExceededException",
        ],
        StringComparer.Ordinal);

    private static readonly HashSet<string> TransientCodes = new(
        ["InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable", "RequestTimeout", "RequestTimeoutException"],
        StringComparer.Ordinal);

    public string Service { get; } = service;

    public string Action { get; } = action;

    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>AWS's error code, e.g. InvalidParameterValue, Throttling, SignatureDoesNotMatch.</summary>
    public string ErrorCode { get; } = errorCode;

    public string ErrorMessage { get; } = errorMessage;

    public string? RequestId { get; } = requestId;

    public bool IsThrottling => ThrottlingCodes.Contains(ErrorCode) || StatusCode == HttpStatusCode.TooManyRequests;

    /// <summary>Throttling and server-side (5xx) failures are worth another try; other client errors are not.</summary>
    public bool IsRetryable => IsThrottling || TransientCodes.Contains(ErrorCode) || (int)StatusCode >= 500;

    private static string Describe(string service, string action, HttpStatusCode status, string code, string message, string? requestId) =>
        $"{service} {action} failed with {code}: {message} (HTTP {(int)status}{(requestId is null ? "" : $", request id {requestId}")})";
}
