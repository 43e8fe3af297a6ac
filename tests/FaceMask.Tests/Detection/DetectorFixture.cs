using FaceMask.Grains.Detection;

namespace FaceMask.Tests.Detection;

/// <summary>One real detector (real model, real ONNX Runtime) shared by the detection tests.</summary>
public sealed class DetectorFixture : IDisposable
{
    public MaskDetector Detector { get; } = new(new DetectorOptions { ModelPath = TestPaths.ModelFile });

    public void Dispose() => Detector.Dispose();
}
