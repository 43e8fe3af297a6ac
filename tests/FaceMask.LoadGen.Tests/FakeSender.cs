using FaceMask.LoadGen.Running;

namespace FaceMask.LoadGen.Tests;

/// <summary>A sender whose answers the test controls: after a delay, or when released; it tracks the most requests in flight at once.</summary>
internal sealed class FakeSender(Func<long, Task<SendResult>> answer) : IRequestSender
{
    private int _inFlight;
    private int _maxInFlight;
    private int _calls;

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public int Calls => Volatile.Read(ref _calls);

    public static SendResult Ok(long index) => new($"img{index}.png", RequestOutcome.Ok, 200, 100, 10, null);

    public static FakeSender Taking(TimeSpan latency) => new(async index =>
    {
        await Task.Delay(latency);
        return Ok(index);
    });

    public string ImageFor(long index) => $"img{index}.png";

    public async Task<SendResult> SendAsync(long index, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }

        try
        {
            return await answer(index);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
