using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace FaceMask.Grains.Detection;

/// <summary>
/// The whole detection pipeline over one shared <see cref="InferenceSession"/> (one per process;
/// <c>Run</c> is thread-safe). Grains call it; tests and benchmarks use it without a cluster.
/// </summary>
public sealed class MaskDetector : IDisposable
{
    private static readonly string[] OutputNames = ["loc", "conf"];

    private readonly InferenceSession _session;
    private readonly double[] _anchors = Anchors.Create();

    public double[] AnchorTable => _anchors;
    private readonly ImageDecoder _decoder;
    private readonly Annotator _annotator = new();
    private readonly int _jpegQuality;

    public MaskDetector(IOptions<DetectorOptions> options, ILogger<MaskDetector> logger)
        : this(options.Value)
    {
        logger.LogInformation(
            "Detector model {ModelPath} loaded ({Threads} intra-op thread(s), at most {MaxPixels} pixels per image)",
            ModelPath, options.Value.IntraOpThreads, options.Value.MaxPixels);
    }

    public MaskDetector(DetectorOptions options)
    {
        ModelPath = ModelLocator.Locate(options.ModelPath);
        _decoder = new ImageDecoder(options.MaxPixels);
        _jpegQuality = options.JpegQuality;
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        // Subnormal arithmetic is many times slower on x86; flushing it costs no accuracy here.
        sessionOptions.AddSessionConfigEntry("session.set_denormal_as_zero", "1");
        _session = new InferenceSession(ModelPath, sessionOptions);
        CheckModelShape();
    }

    public string ModelPath { get; }

    public ImageDecoder Decoder => _decoder;

    /// <summary>Decode, detect and optionally annotate (and thumbnail); bad images come back as a rejection.</summary>
    public DetectionOutcome Detect(ReadOnlySpan<byte> encoded, bool annotate, int thumbnailSize = 0)
    {
        var decoded = _decoder.Decode(encoded);
        if (decoded.Image is not { } image)
        {
            return new DetectionOutcome(null, [], null, null, decoded.Rejection);
        }

        var detections = Detect(image);
        if (!annotate)
        {
            return new DetectionOutcome(image, detections, null, null, null);
        }

        var (jpeg, thumbnail) = _annotator.Annotate(image, detections, _jpegQuality, thumbnailSize);
        return new DetectionOutcome(image, detections, jpeg, thumbnail, null);
    }

    public List<Detection> Detect(RgbaImage image)
    {
        var input = new float[3 * Anchors.InputSize * Anchors.InputSize];
        Preprocessor.Fill(image, Anchors.InputSize, input);
        var (loc, conf) = Infer(input);
        return Postprocessor.Run(loc, conf, _anchors, image.Width, image.Height);
    }

    public byte[] Annotate(RgbaImage image, IReadOnlyList<Detection> detections) =>
        _annotator.Annotate(image, detections, _jpegQuality).Jpeg;

    /// <summary>Only <c>session.Run</c> on a ready NCHW tensor: the baseline the benchmarks compare with.</summary>
    public (float[] Loc, float[] Conf) Infer(float[] input)
    {
        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, 3, Anchors.InputSize, Anchors.InputSize]);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, ["image"], [tensor], OutputNames);
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[1].GetTensorDataAsSpan<float>().ToArray());
    }

    private void CheckModelShape()
    {
        var input = _session.InputMetadata.TryGetValue("image", out var i) ? i.Dimensions : null;
        var loc = _session.OutputMetadata.TryGetValue("loc", out var l) ? l.Dimensions : null;
        if (input is not [_, 3, Anchors.InputSize, Anchors.InputSize] || loc is not [_, var anchors, 4] || anchors != Anchors.Count
            || !_session.OutputMetadata.ContainsKey("conf"))
        {
            throw new InvalidDataException(
                $"{ModelPath} is not the 260x260 face-mask model (expected input image[N,3,260,260] and outputs " +
                $"loc[N,{Anchors.Count},4], conf[N,{Anchors.Count},2]).");
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _annotator.Dispose();
    }
}

/// <summary>What <see cref="MaskDetector.Detect(ReadOnlySpan{byte}, bool)"/> found; Rejection set when the image was unusable.</summary>
public sealed record DetectionOutcome(
    RgbaImage? Image,
    IReadOnlyList<Detection> Detections,
    byte[]? AnnotatedJpeg,
    byte[]? ThumbnailJpeg,
    ImageRejection? Rejection);
