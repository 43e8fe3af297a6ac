using FaceMask.Grains.Detection;

namespace FaceMask.WebFront.Detection;

/// <summary>Sends a photo to a detector on some worker; a cluster that does not answer is reported, not thrown.</summary>
public static class WorkerCalls
{
    public const string Unavailable = "Service Unavailable - no worker answered; try again shortly";

    /// <summary>The reply, or null when no worker could be reached in time.</summary>
    public static async Task<DetectionReply?> DetectAsync(IClusterClient cluster, DetectionRequest request, ILoggerFactory loggers)
    {
        // A fresh key per call: the client hashes keys onto gateways, so many keys reach every worker.
        var detector = cluster.GetGrain<IMaskDetectorGrain>(DetectorKeys.Next());
        try
        {
            return await detector.DetectAsync(request);
        }
        catch (Exception e) when (e is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException
            or Orleans.Runtime.Messaging.ConnectionFailedException)
        {
            loggers.CreateLogger(typeof(WorkerCalls)).LogWarning(e, "Detection call failed: no worker answered");
            return null;
        }
    }
}
