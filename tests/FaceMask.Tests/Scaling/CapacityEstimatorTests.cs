using FaceMask.Grains.Scaling;
using static FaceMask.Tests.Scaling.Observe;

namespace FaceMask.Tests.Scaling;

public sealed class CapacityEstimatorTests
{
    [Fact]
    public void BeforeAnySampleThePriorIsUsed()
    {
        var verdict = Autoscaler.Decide(Demand with { CapacityPrior = 9.1 }, At(0, Serving(1, 0, received: 0, completed: 0)), ScalerMemory.Empty);

        Assert.Equal(9.1, verdict.CapacityEstimate);
        Assert.Null(verdict.Next.CapacityEstimate);
    }

    [Fact]
    public void ASampleIsTheCompletedRateOverTheCpuFraction()
    {
        Assert.Equal(20, CapacityEstimator.Sample(Serving(1, 40, received: 99, completed: 8))!.Value, 9);
    }

    [Theory]
    [InlineData(9.9)]
    [InlineData(90.1)]
    public void AWorkerOutsideTenToNinetyPercentGivesNoSample(double cpu)
    {
        Assert.Null(CapacityEstimator.Sample(Serving(1, cpu, received: 5, completed: 5)));
    }

    [Fact]
    public void AWorkerWithoutACompletedRateOrThatCompletedNothingGivesNoSample()
    {
        Assert.Null(CapacityEstimator.Sample(Serving(1, 50, received: 5, completed: null)));
        Assert.Null(CapacityEstimator.Sample(Serving(1, 50, received: 5, completed: 0)));
        Assert.Null(CapacityEstimator.Sample(new WorkerObservation("b", false, 50, 5, 5)));
    }

    [Fact]
    public void TheEstimateIsTheMedianOfTheSamples()
    {
        // Samples 10, 13 and 40 (one odd worker): the median ignores the outlier.
        var verdict = Autoscaler.Decide(Demand, At(0,
            Serving(1, 50, received: 5, completed: 5),
            Serving(2, 50, received: 6.5, completed: 6.5),
            Serving(3, 50, received: 20, completed: 20)), ScalerMemory.Empty);

        Assert.Equal(13, verdict.CapacityEstimate!.Value, 9);
        Assert.Equal(13, verdict.Next.CapacityEstimate!.Value, 9);
        Assert.Equal(3, verdict.Next.CapacitySamples.Count);
        Assert.Equal(12.5, CapacityEstimator.Median([10, 15, 12, 13]));
    }

    [Fact]
    public void WithoutNewSamplesTheLastEstimateIsKept()
    {
        var learned = Autoscaler.Decide(Demand, At(0, Serving(1, 50, received: 6, completed: 6)), ScalerMemory.Empty);

        var idle = Autoscaler.Decide(Demand, At(1, Serving(1, 2, received: 0.1, completed: 0.1)), learned.Next);

        Assert.Equal(12, idle.CapacityEstimate!.Value, 9);
        Assert.Single(idle.Next.CapacitySamples);
    }

    [Fact]
    public void SamplesOlderThanTenMinutesAreForgotten()
    {
        var old = ScalerMemory.Empty with
        {
            CapacitySamples = [new CapacitySample(T0, 30), new CapacitySample(T0.AddMinutes(1), 30), new CapacitySample(T0.AddMinutes(2), 30)],
            CapacityEstimate = 30,
        };

        var verdict = Autoscaler.Decide(Demand, At(11, Serving(1, 50, received: 6.5, completed: 6.5)), old);

        // At minute 11 the samples of minutes 0 and 1 are 10 minutes old or more; minute 2's stays: median of 30 and 13.
        Assert.Equal([T0.AddMinutes(2), T0.AddMinutes(11)], verdict.Next.CapacitySamples.Select(s => s.At));
        Assert.Equal(21.5, verdict.CapacityEstimate!.Value, 9);
    }

    [Fact]
    public void ByDefaultObservationsKeepSamplesForTenMinutes()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), At(0).CapacityWindow);
        Assert.Equal(CapacityEstimator.DefaultWindow, new ScalerOptions().CapacityWindow);
    }

    [Fact]
    public void AShorterCapacityWindowForgetsSamplesSooner()
    {
        // A time-compressed run: 10-second ticks keep ten ticks of samples, 100 seconds.
        var old = ScalerMemory.Empty with
        {
            CapacitySamples = [new CapacitySample(T0, 30), new CapacitySample(T0.AddSeconds(10), 30), new CapacitySample(T0.AddSeconds(20), 30)],
            CapacityEstimate = 30,
        };
        var observations = new ScalerObservations(T0.AddSeconds(110), [Serving(1, 50, received: 6.5, completed: 6.5)])
        {
            CapacityWindow = TimeSpan.FromSeconds(100),
        };

        var verdict = Autoscaler.Decide(Demand, observations, old);

        Assert.Equal([T0.AddSeconds(20), T0.AddSeconds(110)], verdict.Next.CapacitySamples.Select(s => s.At));
        Assert.Equal(21.5, verdict.CapacityEstimate!.Value, 9);
    }

    [Fact]
    public void ANonPositiveCapacityWindowIsRefused()
    {
        var observations = At(0, Serving(1, 50, received: 6, completed: 6)) with { CapacityWindow = TimeSpan.Zero };

        Assert.Throws<ArgumentException>(() => Autoscaler.Decide(Demand, observations, ScalerMemory.Empty));
    }
}
