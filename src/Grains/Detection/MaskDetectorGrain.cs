using System.Diagnostics;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace FaceMask.Grains.Detection;

[StatelessWorker]
public sealed class MaskDetectorGrain(MaskDetector detector, ILocalSiloDetails silo) : Grain, IMaskDetectorGrain
{
    public Task<DetectionReply> DetectAsync(DetectionRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = detector.Detect(request.Image, request.Annotate, request.ThumbnailSize);
        if (outcome.Rejection is { } rejection)
        {
            return Task.FromResult(DetectionReply.Rejected(rejection));
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
        return Task.FromResult(DetectionReply.Ok(result));
    }
}
