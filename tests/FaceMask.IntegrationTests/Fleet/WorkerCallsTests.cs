using FaceMask.WebFront.Detection;

namespace FaceMask.IntegrationTests.Fleet;

/// <summary>How WebFront asks again for a detection when its worker may be gone (no cluster: the calls are fakes).</summary>
public sealed class WorkerCallsTests
{
    private readonly List<TaskCompletionSource<string>> _calls = [];
    private CancellationTokenSource _loss = new();

    [Fact]
    public async Task ACallLeftHangingByALostGatewayIsAskedAgainAndTheNewAnswerIsTaken()
    {
        var answer = WorkerCalls.FirstAnswerAsync(Call, () => _loss.Token, _ => TimeSpan.Zero);
        Assert.Single(_calls);

        LoseAGateway();
        await UntilCallsAsync(2);
        _calls[1].SetResult("second");

        Assert.Equal("second", await answer);
    }

    [Fact]
    public async Task TheFirstCallStillCountsWhenItAnswersAfterALoss()
    {
        var answer = WorkerCalls.FirstAnswerAsync(Call, () => _loss.Token, _ => TimeSpan.Zero);
        LoseAGateway();
        await UntilCallsAsync(2);

        _calls[0].SetResult("first");

        Assert.Equal("first", await answer);
    }

    [Fact]
    public async Task ACallRefusedByAnUnreachableWorkerIsAskedAgain()
    {
        var answer = WorkerCalls.FirstAnswerAsync(Call, () => _loss.Token, _ => TimeSpan.Zero);
        _calls[0].SetException(new SiloUnavailableException("gone"));
        await UntilCallsAsync(2);
        _calls[1].SetResult("second");

        Assert.Equal("second", await answer);
    }

    [Fact]
    public async Task AfterMaxCallsTheLastFailureIsThrown()
    {
        var answer = WorkerCalls.FirstAnswerAsync(Call, () => _loss.Token, _ => TimeSpan.Zero);
        for (var i = 0; i < WorkerCalls.MaxCalls; i++)
        {
            await UntilCallsAsync(i + 1);
            _calls[i].SetException(new SiloUnavailableException($"gone {i}"));
        }

        var failure = await Assert.ThrowsAsync<SiloUnavailableException>(() => answer);
        Assert.Contains($"gone {WorkerCalls.MaxCalls - 1}", failure.Message);
        Assert.Equal(WorkerCalls.MaxCalls, _calls.Count);
    }

    [Fact]
    public async Task ACallStillUnansweredAfterTheHedgeDelayIsAskedOfAnotherWorkerToo()
    {
        var answer = WorkerCalls.FirstAnswerAsync(Call, () => _loss.Token, _ => TimeSpan.Zero, hedgeAfter: TimeSpan.FromMilliseconds(50));

        await UntilCallsAsync(2);
        _calls[1].SetResult("hedged");

        Assert.Equal("hedged", await answer);
        Assert.False(_calls[0].Task.IsCompleted);
    }

    [Fact]
    public async Task ATimeoutIsNotAskedAgain()
    {
        var answer = WorkerCalls.FirstAnswerAsync(Call, () => _loss.Token, _ => TimeSpan.Zero);
        _calls[0].SetException(new TimeoutException("30 s"));

        await Assert.ThrowsAsync<TimeoutException>(() => answer);
        Assert.Single(_calls);
    }

    [Fact]
    public async Task LossesNeverMakeMoreThanMaxCalls()
    {
        var answer = WorkerCalls.FirstAnswerAsync(Call, () => _loss.Token, _ => TimeSpan.Zero);
        for (var i = 1; i < WorkerCalls.MaxCalls + 2; i++)
        {
            LoseAGateway();
            if (i < WorkerCalls.MaxCalls)
            {
                await UntilCallsAsync(i + 1);
            }
        }

        _calls[^1].SetResult("last");

        Assert.Equal("last", await answer);
        Assert.Equal(WorkerCalls.MaxCalls, _calls.Count);
    }

    [Fact]
    public void RetriesAfterRefusalsBackOffFromATenthOfASecondToOnePointSixSeconds()
    {
        var delays = Enumerable.Range(1, WorkerCalls.MaxCalls).Select(n => WorkerCalls.RetryDelay(n).TotalSeconds);

        Assert.Equal([0.1, 0.2, 0.4, 0.8, 1.6, 1.6], delays);
    }

    private Task<string> Call()
    {
        var call = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_calls)
        {
            _calls.Add(call);
        }

        return call.Task;
    }

    private void LoseAGateway()
    {
        var lost = _loss;
        _loss = new CancellationTokenSource();
        lost.Cancel();
    }

    private async Task UntilCallsAsync(int count)
    {
        Assert.True(await Processes.EventuallyAsync(() => Task.FromResult(Count() >= count), TimeSpan.FromSeconds(5)), $"only {Count()} calls");

        int Count()
        {
            lock (_calls)
            {
                return _calls.Count;
            }
        }
    }
}
