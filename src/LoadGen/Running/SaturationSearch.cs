namespace FaceMask.LoadGen.Running;

/// <summary>
/// Steps a closed loop through growing client counts until throughput stops growing: a level that adds less than
/// <see cref="MinGain"/> over the best so far, or has more than 1 % errors, ends the search. The saturation point
/// is the level with the highest OK throughput.
/// </summary>
public sealed class SaturationSearch(IRequestSender sender, TimeSpan duration, TimeSpan warmUp)
{
    /// <summary>Relative throughput gain a level must bring to keep climbing (0.05 = 5 %).</summary>
    public double MinGain { get; init; } = 0.05;

    /// <summary>Called after each level (progress output).</summary>
    public Action<ClosedLoopResult>? OnLevel { get; init; }

    public async Task<SaturationResult> RunAsync(IReadOnlyList<int> clientLevels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientLevels);
        var levels = new List<ClosedLoopResult>();
        ClosedLoopResult? best = null;
        foreach (var clients in clientLevels)
        {
            var result = await new ClosedLoopRunner(sender).RunAsync(clients, duration, warmUp, new RunRecorder(), cancellationToken);
            levels.Add(result);
            OnLevel?.Invoke(result);
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            var errorShare = result.Ok + result.Errors == 0 ? 1 : (double)result.Errors / (result.Ok + result.Errors);
            var grew = best is null || result.OkPerSecond >= best.OkPerSecond * (1 + MinGain);
            if (best is null || result.OkPerSecond > best.OkPerSecond)
            {
                best = result;
            }

            if (!grew || errorShare > 0.01)
            {
                break;
            }
        }

        return new SaturationResult(levels, best);
    }

    /// <summary>1, 2, 4, … up to <paramref name="max"/> (inclusive when it is a power of two, appended otherwise).</summary>
    public static IReadOnlyList<int> Doubling(int start, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(start, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, start);
        var levels = new List<int>();
        for (var n = start; n < max; n *= 2)
        {
            levels.Add(n);
        }

        levels.Add(max);
        return levels;
    }
}

public sealed record SaturationResult(IReadOnlyList<ClosedLoopResult> Levels, ClosedLoopResult? Best);
