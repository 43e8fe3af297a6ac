using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FaceMask.WebFront.Storage;

public static class StorageHostingExtensions
{
    /// <summary>
    /// App data of the embedded default: a SQLite file and a blob folder under Storage:DataDirectory.
    /// The schema is created or upgraded before anything else starts.
    /// </summary>
    public static IServiceCollection AddFaceMaskStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new SqliteDatabase(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.DatabasePath(sp.GetRequiredService<IHostEnvironment>().ContentRootPath)));
        services.AddSingleton<IUserStore, SqliteUserStore>();
        services.AddSingleton<IImageStore, SqliteImageStore>();
        services.AddSingleton<ILoginThrottleStore, SqliteLoginThrottleStore>();
        services.AddSingleton<IBlobStore>(sp => new LocalBlobStore(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.BlobDirectory(sp.GetRequiredService<IHostEnvironment>().ContentRootPath)));
        services.AddHostedService<SchemaMigration>();
        return services;
    }

    private sealed class SchemaMigration(SqliteDatabase database, ILogger<SchemaMigration> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await database.MigrateAsync(cancellationToken);
            logger.LogInformation("App database ready at {Path}", database.Path);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
