namespace FaceMask.LoadGen.Running;

public enum RequestOutcome
{
    /// <summary>A 2xx answer.</summary>
    Ok,

    /// <summary>An HTTP answer other than 2xx (its status is in the record).</summary>
    HttpError,

    /// <summary>No HTTP answer: refused or reset connection, protocol error.</summary>
    Failed,

    /// <summary>No answer within the request timeout.</summary>
    Timeout,

    /// <summary>Never sent: the concurrency cap was reached at its scheduled time (open loop only).</summary>
    Dropped,
}

/// <summary>
/// One request of a run. Times are offsets from the start of the run. <see cref="Scheduled"/> is when the
/// schedule wanted it to start; <see cref="Start"/> when it really did (null when dropped).
/// </summary>
public sealed record RequestRecord(
    long Index,
    string Image,
    TimeSpan Scheduled,
    TimeSpan? Start,
    TimeSpan? End,
    RequestOutcome Outcome,
    int Status,
    long BytesSent,
    long BytesReceived,
    string? Error)
{
    public double? LatencyMs => End - Start is { } latency ? latency.TotalMilliseconds : null;

    /// <summary>How late the request started against its schedule (generator lag); null when dropped.</summary>
    public double? StartLagMs => Start is { } start ? (start - Scheduled).TotalMilliseconds : null;
}

/// <summary>What a sender learned from one request, before the runner adds the times.</summary>
public sealed record SendResult(string Image, RequestOutcome Outcome, int Status, long BytesSent, long BytesReceived, string? Error);

/// <summary>Sends request number <c>index</c> of a run; implementations must not throw for HTTP or network errors.</summary>
public interface IRequestSender
{
    /// <summary>The image request <paramref name="index"/> would carry (for records of dropped requests).</summary>
    string ImageFor(long index);

    Task<SendResult> SendAsync(long index, CancellationToken cancellationToken);
}
