using FaceMask.Grains.Scaling.Simulation;
using Orleans.Concurrency;

namespace FaceMask.Grains.Scaling;

/// <summary>
/// The manager's "what if": the simulator with the real Decide, in whichever silo takes the call. Stateless, so
/// runs go in parallel; a bad request is an <see cref="ArgumentException"/> listing every problem.
/// </summary>
[StatelessWorker]
public sealed class SimulatorGrain : Grain, ISimulatorGrain
{
    public Task<SimulationReport> RunAsync(SimulationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = Simulator.Validate(request);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(request));
        }

        return Task.FromResult(Simulator.Run(request));
    }
}
