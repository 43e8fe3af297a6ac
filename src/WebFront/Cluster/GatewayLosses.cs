namespace FaceMask.WebFront.Cluster;

/// <summary>
/// Tells calls in flight that the client lost a gateway connection. The Orleans client does not fail a call whose
/// gateway died under it (a worker killed or crashed while detecting): the call waits for the 30 s response timeout.
/// A detection that sees a loss while it waits asks again elsewhere (<see cref="Detection.WorkerCalls"/>).
/// </summary>
public sealed class GatewayLosses : IClusterConnectionStatusObserver
{
    private CancellationTokenSource _next = new();

    /// <summary>Cancelled at the next loss of a gateway connection. Read it before sending the call it guards.</summary>
    public CancellationToken Next => Volatile.Read(ref _next).Token;

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways < previousNumberOfGateways)
        {
            Signal();
        }
    }

    public void NotifyClusterConnectionLost() => Signal();

    private void Signal()
    {
        // Not disposed: calls may still register on its token, which then fire at once. The callbacks run on the
        // thread pool, not on the client's connection thread that reports the loss.
        _ = Interlocked.Exchange(ref _next, new CancellationTokenSource()).CancelAsync();
    }
}
