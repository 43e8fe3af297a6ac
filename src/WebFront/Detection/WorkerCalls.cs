using System.Runtime.ExceptionServices;
using FaceMask.Grains.Detection;
using FaceMask.WebFront.Cluster;

namespace FaceMask.WebFront.Detection;

/// <summary>Sends a photo to a detector on some worker; a cluster that does not answer is reported, not thrown.</summary>
public static class WorkerCalls
{
    public const string Unavailable = "Service Unavailable - no worker answered; try again shortly";

    /// <summary>
    /// Calls at most per detection: the first, one more each time a gateway is lost while calls are out, and one more
    /// after each refusal (backing off, <see cref="RetryDelay"/>) while the cluster routes around a worker that just
    /// died. Detection has no side effect, so asking twice is harmless.
    /// </summary>
    public const int MaxCalls = 6;

    /// <summary>
    /// A detection takes milliseconds; one still unanswered after this is likely sitting on a worker that was killed
    /// before the client noticed (then no gateway loss is signalled for it and it would wait out the 30 s response
    /// timeout), so another worker is asked too — once, so that a saturated cluster gets at most one extra call each.
    /// </summary>
    public static readonly TimeSpan HedgeAfter = TimeSpan.FromSeconds(5);

    private static readonly Task Never = new TaskCompletionSource().Task;

    /// <summary>The reply, or null when no worker could be reached in time.</summary>
    public static async Task<DetectionReply?> DetectAsync(IClusterClient cluster, DetectionRequest request, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(WorkerCalls));
        var losses = cluster.ServiceProvider.GetService<GatewayLosses>();
        try
        {
            // Each call goes to the next live gateway (the interface's calls are unordered), so one asked again is
            // likely to run on another worker.
            return await FirstAnswerAsync(
                () => cluster.GetGrain<IMaskDetectorGrain>(DetectorKeys.Next()).DetectAsync(request),
                () => losses?.Next ?? CancellationToken.None,
                RetryDelay,
                (e, calls) => LogRetry(logger, e, calls),
                HedgeAfter);
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            logger.LogWarning(e, "Detection call failed: no worker answered");
            return null;
        }
    }

    /// <summary>
    /// The first successful answer among up to <see cref="MaxCalls"/> calls made by <paramref name="call"/>. Another
    /// call is made, keeping the ones in flight (any of them may still answer), when <paramref name="nextLoss"/> (read
    /// before each call) fires — the Orleans client does not fail a call whose gateway died under it, it lets it time
    /// out after 30 s — and <paramref name="backoff"/>(n) after the n-th call failed to reach a worker
    /// (<see cref="IsRetryable"/>): for a few seconds after a worker dies, the other silos still route some calls to
    /// it; and once after <paramref name="hedgeAfter"/> without an answer. Throws the last failure when every call failed.
    /// </summary>
    public static async Task<T> FirstAnswerAsync<T>(
        Func<Task<T>> call, Func<CancellationToken> nextLoss, Func<int, TimeSpan> backoff, Action<Exception?, int>? onRetry = null,
        TimeSpan? hedgeAfter = null)
    {
        var hedge = hedgeAfter is { } delay ? Task.Delay(delay) : Never;
        var pending = new List<Task<T>>();
        var made = 0;
        var refusals = 0;
        Task? sendNext = Task.CompletedTask;
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var registration = default(CancellationTokenRegistration);
        try
        {
            while (true)
            {
                if (sendNext is { IsCompleted: true })
                {
                    sendNext = null;
                    var loss = nextLoss();
                    pending.Add(call());
                    made++;
                    registration.Dispose();
                    lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    if (made < MaxCalls)
                    {
                        var signal = lost;
                        registration = loss.Register(() => signal.TrySetResult());
                    }
                }

                var done = await Task.WhenAny([.. pending, lost.Task, sendNext ?? Never, hedge]);
                if (done == hedge)
                {
                    hedge = Never;
                    if (made < MaxCalls && sendNext is null)
                    {
                        onRetry?.Invoke(new TimeoutException($"unanswered after {hedgeAfter!.Value.TotalSeconds:0.#} s"), made);
                        sendNext = Task.CompletedTask;
                    }

                    continue;
                }

                if (done == lost.Task)
                {
                    onRetry?.Invoke(null, made);
                    sendNext = Task.CompletedTask;
                    continue;
                }

                if (done == sendNext)
                {
                    continue;
                }

                var answered = (Task<T>)done;
                pending.Remove(answered);
                if (answered.IsCompletedSuccessfully)
                {
                    return answered.Result;
                }

                var failure = answered.Exception?.InnerException ?? new TaskCanceledException(answered);
                if (!IsRetryable(failure))
                {
                    ExceptionDispatchInfo.Throw(failure);
                }

                if (made < MaxCalls && sendNext is null)
                {
                    onRetry?.Invoke(failure, made);
                    sendNext = Task.Delay(backoff(++refusals));
                }
                else if (pending.Count == 0 && sendNext is null)
                {
                    ExceptionDispatchInfo.Throw(failure);
                }
            }
        }
        finally
        {
            registration.Dispose();
            // Calls left behind end on their own (at the latest with Orleans' response timeout); nobody awaits them.
            foreach (var abandoned in pending)
            {
                _ = abandoned.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    /// <summary>0.1 s before the first retry after a refusal, doubling up to 1.6 s: about 3 s in all.</summary>
    public static TimeSpan RetryDelay(int refusals) => TimeSpan.FromMilliseconds(100 * Math.Pow(2, Math.Min(refusals - 1, 4)));

    /// <summary>Failures of reaching a worker that another call may not meet; a timeout is not retried (it already took 30 s).</summary>
    public static bool IsRetryable(Exception e) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException;

    private static bool IsUnavailable(Exception e) => IsRetryable(e) || e is TimeoutException;

    private static void LogRetry(ILogger logger, Exception? failure, int calls)
    {
        if (failure is null)
        {
            logger.LogInformation("A gateway was lost while detection call {Calls} was out; asking another worker too", calls);
        }
        else
        {
            logger.LogInformation("Detection call {Calls} failed ({Error}); asking another worker", calls, failure.Message);
        }
    }
}
