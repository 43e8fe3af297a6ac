using System.Diagnostics;
using FaceMask.Grains.Metrics;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace FaceMask.Grains.Detection;

[StatelessWorker]
public sealed class MaskDetectorGrain(MaskDetector detector, ILocalSiloDetails silo, DetectionMeter meter) : Grain, IMaskDetectorGrain
{
    public Task<DetectionReply> DetectAsync(DetectionRequest request)
    {
        meter.Arrived(request.Image.Length);
        long bytesOut = 0;
        try
        {
            var reply = Detect(request);
            bytesOut = (reply.Result?.AnnotatedJpeg?.Length ?? 0) + (reply.Result?.ThumbnailJpeg?.Length ?? 0);
            return Task.FromResult(reply);
        }
        finally
        {
            meter.Completed(bytesOut);
        }
    }

    private DetectionReply Detect(DetectionRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = detector.Detect(request.Image, request.Annotate, request.ThumbnailSize);
        if (outcome.Rejection is { } rejection)
        {
            return DetectionReply.Rejected(rejection);
        }

        var image = outcome.Image!;
        var result = new DetectionResult(
            outcome.Detections,
            image.Width,
            image.Height,
            silo.Name,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            outcome.AnnotatedJpeg,
            outcome.ThumbnailJpeg);
        return DetectionReply.Ok(result);
    }
}
