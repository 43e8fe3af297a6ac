using Amazon.Runtime;
using Microsoft.Extensions.Logging;

namespace FaceMask.Grains.Aws;

/// <summary>
/// Bounded retries with exponential backoff and jitter for throttling, 5xx answers and network failures; every other
/// error surfaces at once. Used for EC2 (the SDK's own retries are switched off, so one policy covers every call)
/// and for the Query clients.
/// </summary>
public sealed class AwsRetryPolicy(int maxAttempts, TimeSpan baseDelay, TimeSpan maxDelay, ILogger logger)
{
    public int MaxAttempts { get; } = maxAttempts >= 1 ? maxAttempts : throw new ArgumentOutOfRangeException(nameof(maxAttempts));

    public async Task<T> ExecuteAsync<T>(string service, string action, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancellationToken);
            }
            catch (Exception ex) when (attempt < MaxAttempts && !cancellationToken.IsCancellationRequested && IsRetryable(ex))
            {
                var delay = Backoff(attempt);
                logger.LogInformation("{Service} {Action} attempt {Attempt} failed ({Error}); retrying in {Delay} ms",
                    service, action, attempt, ex.Message, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    /// <summary>Half of the exponential step fixed, half random, capped: spreads the callers of a throttled API apart.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var step = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds((step / 2) + (Random.Shared.NextDouble() * step / 2));
    }

    private static bool IsRetryable(Exception ex) => ex switch
    {
        AwsApiException aws => aws.IsRetryable,
        AmazonServiceException service => service.Retryable is not null || (int)service.StatusCode >= 500,
        HttpRequestException => true,
        TaskCanceledException => true, // an HTTP timeout; a cancelled caller is excluded by the filter
        _ => false,
    };
}
