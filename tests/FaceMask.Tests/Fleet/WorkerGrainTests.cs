using FaceMask.Grains.Fleet;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace FaceMask.Tests.Fleet;

[Collection(FleetCollection.Name)]
public sealed class WorkerGrainTests(FleetClusterFixture fixture)
{
    private static readonly TimeSpan TwoMinutes = TimeSpan.FromMinutes(2);

    private IWorkerGrain NewWorker() => fixture.Grains.GetGrain<IWorkerGrain>("worker-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task AverageCpuIsNullWithoutDataNeverZero()
    {
        var worker = NewWorker();

        Assert.Null(await worker.AverageCpuAsync(TwoMinutes));
        Assert.Null(await worker.LatestAsync());
        var series = await worker.SeriesAsync(30);
        Assert.All(series.CpuPercent, p => Assert.Null(p.Value));
        Assert.All(series.RequestsPerMinute, p => Assert.Null(p.Value));
    }

    [Fact]
    public async Task AMinuteAggregatesItsSamplesWithCpuWeightedByInterval()
    {
        var worker = NewWorker();
        await StartOfMinuteAsync();

        await worker.ReportAsync(Sample(cpu: 20, interval: 10, received: 3, completed: 2, bytesIn: 300, bytesOut: 100));
        fixture.Clock.Advance(TimeSpan.FromSeconds(30));
        await worker.ReportAsync(Sample(cpu: 80, interval: 30, received: 5, completed: 6, bytesIn: 500, bytesOut: 700));

        var series = await worker.SeriesAsync(1);
        Assert.Equal(65, series.CpuPercent[0].Value);
        Assert.Equal(8, series.RequestsPerMinute[0].Value);
        Assert.Equal(8, series.RequestsCompletedPerMinute![0].Value);
        Assert.Equal(800, series.BytesInPerMinute[0].Value);
        Assert.Equal(800, series.BytesOutPerMinute[0].Value);
        Assert.Equal(65, await worker.AverageCpuAsync(TwoMinutes));
        Assert.Equal(80, (await worker.LatestAsync())!.CpuPercent);
    }

    [Fact]
    public async Task MinutesWithoutSamplesAreGapsInTheSeries()
    {
        var worker = NewWorker();
        await StartOfMinuteAsync();

        await worker.ReportAsync(Sample(cpu: 30, received: 4));
        fixture.Clock.Advance(TimeSpan.FromMinutes(3));
        await worker.ReportAsync(Sample(cpu: 70, received: 0));

        var series = await worker.SeriesAsync(30);
        Assert.Equal(30, series.CpuPercent.Count);
        Assert.Equal([30.0, null, null, 70.0], series.CpuPercent.Skip(26).Select(p => p.Value));
        // A minute with samples but no requests is a real zero, unlike a gap.
        Assert.Equal([4.0, null, null, 0.0], series.RequestsPerMinute.Skip(26).Select(p => p.Value));
        Assert.Equal(70, await worker.AverageCpuAsync(TwoMinutes));
    }

    [Fact]
    public async Task TwoHoursOfSamplesLeaveAFullHourOfMinutesAndRecentAverages()
    {
        var worker = NewWorker();

        for (var i = 0; i < 2 * 60 * 12; i++)
        {
            fixture.Clock.Advance(TimeSpan.FromSeconds(5));
            await worker.ReportAsync(Sample(cpu: i % 2 == 0 ? 10 : 30, received: 1));
        }

        var series = await worker.SeriesAsync(90);
        Assert.Equal(60, series.CpuPercent.Count);
        Assert.All(series.CpuPercent.SkipLast(1), p => Assert.Equal(20, p.Value!.Value, 6));
        Assert.All(series.RequestsPerMinute.SkipLast(1), p => Assert.Equal(12, p.Value));
        Assert.Equal(20, (await worker.AverageCpuAsync(TwoMinutes))!.Value, 6);
        Assert.Equal(20, (await worker.AverageCpuAsync(TimeSpan.FromMinutes(30)))!.Value, 0);
    }

    [Fact]
    public async Task EverySiloReportsItsOwnMetricsUnderItsName()
    {
        foreach (var silo in fixture.Cluster.Silos)
        {
            var name = fixture.Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<ILocalSiloDetails>().Name;
            var latest = await Eventually.UntilAsync(
                () => fixture.Grains.GetGrain<IWorkerGrain>(name).LatestAsync(),
                s => s is not null,
                $"a report from silo {name}");
            Assert.True(latest!.IntervalSeconds > 0);
            Assert.True(latest.MemoryBytes > 0);
            Assert.True(latest.CpuPercent >= 0);
        }
    }

    /// <summary>Moves the clock to the start of a minute, so that samples a few seconds apart share a minute.</summary>
    private Task StartOfMinuteAsync()
    {
        var now = fixture.Clock.GetUtcNow();
        fixture.Clock.Advance(SeriesMinutes.Floor(now).AddMinutes(1) - now + TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    private WorkerSample Sample(double cpu, double interval = 5, long received = 0, long completed = 0, long bytesIn = 0, long bytesOut = 0) =>
        new(fixture.Clock.GetUtcNow(), interval, cpu, received, completed, bytesIn, bytesOut, 200_000_000);
}
