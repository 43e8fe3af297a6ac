using BenchmarkDotNet.Attributes;
using FaceMask.Grains.Detection;

namespace FaceMask.Benchmarks;

/// <summary>
/// Each stage of the detection pipeline and the two end-to-end paths, one thread, every invocation
/// looping over one whole image set of <see cref="ImageCorpus"/>. All in one class so Ratio compares
/// each with <see cref="SessionRun"/> on the same images, measured in the same run.
/// </summary>
/// <remarks>
/// Each method returns a value derived from every image's result so the JIT cannot drop the work.
/// </remarks>
public class PipelineBenchmarks
{
    private MaskDetector? _detector;
    private byte[][] _encoded = [];
    private RgbaImage[] _images = [];
    private float[][] _tensors = [];
    private (float[] Loc, float[] Conf)[] _outputs = [];
    private List<Detection>[] _detections = [];
    private readonly float[] _scratch = new float[3 * Anchors.InputSize * Anchors.InputSize];
    private readonly byte[] _inflateBuffer = new byte[1 << 16];

    private MaskDetector Detector => _detector ?? throw new InvalidOperationException("GlobalSetup has not run.");

    [Params(ImageCorpus.Photos, ImageCorpus.Fixtures)]
    public string Images { get; set; } = ImageCorpus.Photos;

    [GlobalSetup]
    public void Setup()
    {
        _detector = new MaskDetector(new DetectorOptions { ModelPath = ImageCorpus.ModelPath, IntraOpThreads = 1 });
        _encoded = [.. ImageCorpus.Load(Images)];
        if (_encoded.Length == 0)
        {
            throw new InvalidOperationException("No benchmark images were found.");
        }

        _images = [.. _encoded.Select(DecodeOrThrow)];
        _tensors = [.. _images.Select(image =>
        {
            var tensor = new float[_scratch.Length];
            Preprocessor.Fill(image, Anchors.InputSize, tensor);
            return tensor;
        })];
        _outputs = [.. _tensors.Select(Detector.Infer)];
        _detections = [.. _images.Select((image, i) =>
            Postprocessor.Run(_outputs[i].Loc, _outputs[i].Conf, Detector.AnchorTable, image.Width, image.Height))];
    }

    [GlobalCleanup]
    public void Cleanup() => _detector?.Dispose();

    [Benchmark(Baseline = true)]
    public int SessionRun()
    {
        var sum = 0;
        foreach (var tensor in _tensors)
        {
            sum += Detector.Infer(tensor).Conf.Length;
        }

        return sum;
    }

    [Benchmark]
    public int Decode()
    {
        var sum = 0;
        foreach (var bytes in _encoded)
        {
            sum += Detector.Decoder.Decode(bytes).Image?.Width ?? 0;
        }

        return sum;
    }

    [Benchmark]
    public float Preprocess()
    {
        var sum = 0f;
        foreach (var image in _images)
        {
            Preprocessor.Fill(image, Anchors.InputSize, _scratch);
            sum += _scratch[^1];
        }

        return sum;
    }

    [Benchmark]
    public int Postprocess()
    {
        var sum = 0;
        for (var i = 0; i < _outputs.Length; i++)
        {
            var (loc, conf) = _outputs[i];
            sum += Postprocessor.Run(loc, conf, Detector.AnchorTable, _images[i].Width, _images[i].Height).Count;
        }

        return sum;
    }

    [Benchmark]
    public int AnnotateAndEncode()
    {
        var sum = 0;
        for (var i = 0; i < _images.Length; i++)
        {
            sum += Detector.Annotate(_images[i], _detections[i]).Length;
        }

        return sum;
    }

    [Benchmark]
    public int DetectWithoutAnnotation()
    {
        var sum = 0;
        foreach (var bytes in _encoded)
        {
            sum += Detector.Detect(bytes, annotate: false).Detections.Count;
        }

        return sum;
    }

    [Benchmark]
    public int DetectWithAnnotation()
    {
        var sum = 0;
        foreach (var bytes in _encoded)
        {
            var outcome = Detector.Detect(bytes, annotate: true);
            sum += outcome.Detections.Count + (outcome.AnnotatedJpeg?.Length ?? 0);
        }

        return sum;
    }

    /// <summary>
    /// The floor under any PNG decoder: only inflating each PNG's compressed pixel data with .NET's
    /// zlib-ng (no unfiltering, no conversion). JPEGs in the set count zero.
    /// </summary>
    [Benchmark]
    public long PngInflateFloor()
    {
        long sum = 0;
        foreach (var bytes in _encoded)
        {
            sum += PngData.InflatedLength(bytes, _inflateBuffer);
        }

        return sum;
    }

    private RgbaImage DecodeOrThrow(byte[] bytes, int index) =>
        Detector.Decoder.Decode(bytes) switch
        {
            { Image: { } image } => image,
            var failed => throw new InvalidDataException(
                $"{ImageCorpus.ImagePaths(Images)[index]} did not decode: {failed.Rejection?.Message}"),
        };
}
