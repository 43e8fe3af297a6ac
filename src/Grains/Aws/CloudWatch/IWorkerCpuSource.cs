using FaceMask.Grains.Fleet;

namespace FaceMask.Grains.Aws.CloudWatch;

/// <summary>
/// Another source of worker CPU than the workers' own reports (a port the scaler may read). Null for a worker means
/// no data in the window — never an invented 0.
/// </summary>
public interface IWorkerCpuSource
{
    Task<IReadOnlyDictionary<string, double?>> AverageCpuAsync(IReadOnlyList<WorkerInstance> workers, TimeSpan window, CancellationToken cancellationToken);
}
