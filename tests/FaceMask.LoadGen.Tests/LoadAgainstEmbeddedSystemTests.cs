using System.Text;
using FaceMask.IntegrationTests;
using FaceMask.LoadGen.Reporting;
using FaceMask.LoadGen.Requests;
using FaceMask.LoadGen.Running;
using FaceMask.LoadGen.Scheduling;

namespace FaceMask.LoadGen.Tests;

/// <summary>The load generator against the real embedded default: the WebFront program and its worker process.</summary>
[Collection(EmbeddedSystemCollection.Name)]
public sealed class LoadAgainstEmbeddedSystemTests(EmbeddedSystem system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ImageSet Fixtures => ImageSet.Load(Path.Combine(Processes.Shared, "fixtures"));

    [Fact]
    public async Task OpenLoopPostsFixturesToCpuTestAndRecordsEveryAnswer()
    {
        using var http = FaceMaskSender.CreateHttpClient(system.Http.BaseAddress!);
        var images = Fixtures;
        var sender = new FaceMaskSender(http, images, Endpoint.CpuTest, null, TimeSpan.FromSeconds(60));
        var schedule = RateSchedule.ForCount(4, 6);
        var recorder = new RunRecorder();

        await new OpenLoopRunner(sender, 16).RunAsync(schedule, recorder, Ct);

        var records = recorder.Records();
        Assert.Equal(6, records.Count);
        Assert.All(records, r =>
        {
            Assert.Equal(RequestOutcome.Ok, r.Outcome);
            Assert.Equal(200, r.Status);
            Assert.True(r.BytesReceived > 20, "a detection payload came back");
            Assert.Equal(images[r.Index].Name, r.Image);
            Assert.True(r.BytesSent > images[r.Index].Bytes.Length, "the multipart body holds the whole file");
        });
        var summary = RunSummary.Of(schedule, records, TimeSpan.FromSeconds(2));
        Assert.Equal(6, summary.Ok);
        Assert.Empty(summary.Errors);
        Assert.NotNull(summary.OkLatency.P99);

        var csv = new StringWriter();
        RequestCsv.Write(csv, records);
        var lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, lines.Length);
        Assert.All(lines.Skip(1), line => Assert.Contains(",ok,200,", line));
    }

    [Fact]
    public async Task BadImagesComeBackAsCountedFourHundreds()
    {
        using var http = FaceMaskSender.CreateHttpClient(system.Http.BaseAddress!);
        var images = new ImageSet([new ImageFile("notes.jpg", Encoding.UTF8.GetBytes("not a photo")), Fixtures[0]]);
        var sender = new FaceMaskSender(http, images, Endpoint.CpuTest, null, TimeSpan.FromSeconds(60));
        var recorder = new RunRecorder();

        await new OpenLoopRunner(sender, 16).RunAsync(RateSchedule.ForCount(10, 4), recorder, Ct);

        var records = recorder.Records();
        Assert.Equal(2, records.Count(r => r.Outcome == RequestOutcome.Ok));
        var bad = records.Where(r => r.Outcome == RequestOutcome.HttpError).ToList();
        Assert.Equal(2, bad.Count);
        Assert.All(bad, r => Assert.Equal("Bad Image - Could not parse the image", r.Error));
        Assert.Equal(2, recorder.Snapshot(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)).Errors["400"]);
    }

    [Fact]
    public async Task UploadsGoToARegisteredUserAndAClosedLoopMeasuresThem()
    {
        using var http = FaceMaskSender.CreateHttpClient(system.Http.BaseAddress!);
        var user = new Credentials("load" + Guid.NewGuid().ToString("N")[..8], "a long enough password");
        await FaceMaskSender.EnsureUserAsync(http, user, Ct);
        await FaceMaskSender.EnsureUserAsync(http, user, Ct);   // an existing user is fine
        var sender = new FaceMaskSender(http, Fixtures, Endpoint.Upload, user, TimeSpan.FromSeconds(60));
        var recorder = new RunRecorder();

        var result = await new ClosedLoopRunner(sender).RunAsync(2, TimeSpan.FromSeconds(2), TimeSpan.Zero, recorder, Ct);

        Assert.True(result.Ok >= 2, $"{result.Ok} uploads answered in 2 s");
        Assert.Equal(0, result.Errors);
        Assert.All(recorder.Records(), r => Assert.Equal(200, r.Status));
        var wrong = new FaceMaskSender(http, Fixtures, Endpoint.Upload, user with { Password = "wrong password!" }, TimeSpan.FromSeconds(60));
        var denied = await wrong.SendAsync(0, Ct);
        Assert.Equal(401, denied.Status);
        Assert.Equal("Unauthorized - Wrong user name or password", denied.Error);
    }
}
