using System.Text;
using static FaceMask.IntegrationTests.ApiClient;

namespace FaceMask.IntegrationTests;

/// <summary><c>POST /api/cpuTest</c> against the real WebFront and a real worker process.</summary>
[Collection(EmbeddedSystemCollection.Name)]
public sealed class CpuTestApiTests(EmbeddedSystem system)
{
    private const string NoFilePart = "Bad Request - No file part";
    private const string NoImageSelected = "Bad Request - No image selected for detection";
    private const string CouldNotParse = "Bad Image - Could not parse the image";

    [Fact]
    public async Task DetectsTheMaskedFaceInDemo2OnAWorker()
    {
        var (status, body) = await PostAsync(system.Http, "/api/cpuTest", PhotoForm(BadImages.Demo2Jpeg, "demo2.jpg"));

        Assert.Equal(200, status);
        Assert.True(body.GetProperty("success").GetBoolean());
        var payload = body.GetProperty("payload");
        Assert.Equal(1, payload.GetProperty("num_faces").GetInt32());
        Assert.Equal(1, payload.GetProperty("num_masked").GetInt32());
        Assert.Equal(0, payload.GetProperty("num_unmasked").GetInt32());
        Assert.Equal("worker-1", payload.GetProperty("worker").GetString());
        Assert.True(payload.GetProperty("elapsed_ms").GetDouble() > 0);
        var face = Assert.Single(payload.GetProperty("detections").EnumerateArray());
        Assert.Equal("Mask", face.GetProperty("label").GetString());
        Assert.InRange(face.GetProperty("score").GetDouble(), 0.897, 0.917);
        int[] expected = [222, 49, 327, 198];
        var box = face.GetProperty("box").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        Assert.Equal(4, box.Length);
        for (var i = 0; i < 4; i++)
        {
            Assert.InRange(box[i], expected[i] - 2, expected[i] + 2);
        }
    }

    [Fact]
    public async Task RequestWithoutFilePartIsRejected()
    {
        var form = new MultipartFormDataContent { { new StringContent("x"), "other" } };
        AssertError(400, NoFilePart, await PostAsync(system.Http, "/api/cpuTest", form));
    }

    [Fact]
    public async Task NonMultipartBodyIsRejectedAsMissingFilePart()
    {
        var json = new StringContent("{\"file\": \"demo2.jpg\"}", Encoding.UTF8, "application/json");
        AssertError(400, NoFilePart, await PostAsync(system.Http, "/api/cpuTest", json));
    }

    [Fact]
    public async Task EmptyFileIsRejectedAsNoImageSelected() =>
        AssertError(400, NoImageSelected, await PostAsync(system.Http, "/api/cpuTest", PhotoForm([], "empty.jpg")));

    [Fact]
    public async Task EmptyFileNameIsRejectedAsNoImageSelected() =>
        AssertError(400, NoImageSelected, await PostAsync(system.Http, "/api/cpuTest", NoFileChosenForm()));

    [Theory]
    [InlineData("notes.txt")]
    [InlineData("photo.bmp")]
    [InlineData("no-extension")]
    public async Task DisallowedExtensionIsRejectedNamingTheFile(string fileName) =>
        AssertError(
            400,
            $"Bad Request -filename:{fileName} - Allowed image types are -> png, jpg, jpeg, gif",
            await PostAsync(system.Http, "/api/cpuTest", PhotoForm(BadImages.Demo2Jpeg, fileName)));

    [Fact]
    public async Task ExtensionCheckIgnoresCase()
    {
        var (status, _) = await PostAsync(system.Http, "/api/cpuTest", PhotoForm(BadImages.Demo2Jpeg, "DEMO2.JPG"));
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task TextFileNamedJpgIsRejectedAsUnparsable() =>
        AssertError(400, CouldNotParse, await PostAsync(system.Http, "/api/cpuTest", PhotoForm(BadImages.TextFile, "photo.jpg")));

    [Fact]
    public async Task TruncatedJpegIsRejectedAsUnparsable() =>
        AssertError(400, CouldNotParse, await PostAsync(system.Http, "/api/cpuTest", PhotoForm(BadImages.TruncatedJpeg, "cut.jpg")));

    [Fact]
    public async Task TruncatedPngIsRejectedAsUnparsable() =>
        AssertError(400, CouldNotParse, await PostAsync(system.Http, "/api/cpuTest", PhotoForm(BadImages.TruncatedPng, "cut.png")));

    [Fact]
    public async Task PngClaimingNineHundredMegapixelsIsRejectedAndTheWorkerStaysUp()
    {
        var workersBefore = system.WorkerPids;

        var (status, body) = await PostAsync(system.Http, "/api/cpuTest", PhotoForm(BadImages.PngClaiming(30000, 30000), "bomb.png"));

        Assert.Equal(400, status);
        var message = body.GetProperty("error").GetProperty("message").GetString();
        Assert.StartsWith("Bad Image - ", message);
        Assert.Contains("30000x30000", message);
        Assert.Equal(workersBefore, system.WorkerPids);
        var (after, _) = await PostAsync(system.Http, "/api/cpuTest", PhotoForm(BadImages.Demo2Jpeg, "demo2.jpg"));
        Assert.Equal(200, after);
    }

    [Fact]
    public async Task BodyOverTheLimitIsRejectedWith413()
    {
        var oversize = new byte[(10 * 1024 * 1024) + 1];
        var reply = await PostAsync(system.Http, "/api/cpuTest", PhotoForm(oversize, "big.jpg"));
        AssertError(413, "Payload Too Large - the request body exceeds 10485760 bytes", reply);
    }

    [Fact]
    public async Task HealthzAnswersWhileTheClusterDoes()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var response = await system.Http.GetAsync("/healthz", cancel);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("\"workers\":", await response.Content.ReadAsStringAsync(cancel));
    }
}
