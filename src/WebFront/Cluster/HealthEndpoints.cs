using FaceMask.WebFront.Api;

namespace FaceMask.WebFront.Cluster;

public static class HealthEndpoints
{
    /// <summary><c>GET /healthz</c>: 200 only when the cluster answers, with the number of active workers.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", CheckAsync);
        return app;
    }

    private static async Task<IResult> CheckAsync(IClusterClient cluster, CancellationToken cancellationToken)
    {
        try
        {
            var hosts = await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)
                .WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return hosts.Count > 0
                ? ApiResults.Ok(new { status = "ok", workers = hosts.Count })
                : ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "Service Unavailable - no active worker");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "Service Unavailable - the cluster does not answer");
        }
    }
}
