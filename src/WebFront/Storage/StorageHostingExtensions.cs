using Amazon.S3;
using FaceMask.WebFront.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FaceMask.WebFront.Storage;

public static class StorageHostingExtensions
{
    /// <summary>
    /// App data where the "Storage" section says: rows in SQLite (embedded default) or MySQL/MariaDB
    /// (Storage:Provider), blobs in a local folder or an S3 bucket (Storage:Blobs), and the Data Protection key
    /// ring beside them (Storage:KeyRing). The schema is created or upgraded, and the bucket created, before
    /// anything else starts. This is the only place where the profiles differ on storage.
    /// </summary>
    public static IServiceCollection AddFaceMaskStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(sp => new SqliteDatabase(Options(sp).DatabasePath(ContentRoot(sp))));
        services.AddSingleton(sp => new MySqlDatabase(Options(sp).MySql.ConnectionString!));
        services.AddSingleton<IAmazonS3>(sp => S3BlobStore.CreateClient(Options(sp).S3));

        services.AddSingleton<IUserStore>(sp => Options(sp).Provider == AppDataProvider.MySql
            ? ActivatorUtilities.CreateInstance<MySqlUserStore>(sp)
            : ActivatorUtilities.CreateInstance<SqliteUserStore>(sp));
        services.AddSingleton<IImageStore>(sp => Options(sp).Provider == AppDataProvider.MySql
            ? ActivatorUtilities.CreateInstance<MySqlImageStore>(sp)
            : ActivatorUtilities.CreateInstance<SqliteImageStore>(sp));
        services.AddSingleton<ILoginThrottleStore>(sp => Options(sp).Provider == AppDataProvider.MySql
            ? ActivatorUtilities.CreateInstance<MySqlLoginThrottleStore>(sp)
            : ActivatorUtilities.CreateInstance<SqliteLoginThrottleStore>(sp));
        services.AddSingleton<IBlobStore>(sp => Options(sp) is { Blobs: BlobProvider.S3 } o
            ? new S3BlobStore(sp.GetRequiredService<IAmazonS3>(), o.S3.Bucket!, o.S3.Prefix)
            : new LocalBlobStore(Options(sp).BlobDirectory(ContentRoot(sp))));

        // Before the key ring: Data Protection's own hosted service reads the keys at start-up.
        services.AddHostedService<StorageSetup>();
        services.AddFaceMaskKeyRing();
        return services;
    }

    private static StorageOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<StorageOptions>>().Value;

    private static string ContentRoot(IServiceProvider sp) => sp.GetRequiredService<IHostEnvironment>().ContentRootPath;

    private sealed class StorageSetup(IOptions<StorageOptions> options, IServiceProvider services, ILogger<StorageSetup> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var o = options.Value;
            if (o.Provider == AppDataProvider.MySql || o.EffectiveKeyRing == KeyRingStore.MySql)
            {
                var database = services.GetRequiredService<MySqlDatabase>();
                await database.MigrateAsync(cancellationToken);
                logger.LogInformation("App database ready: MySQL database {Database} on {Server}", database.Database, database.Server);
            }

            if (o.Provider == AppDataProvider.Sqlite)
            {
                var database = services.GetRequiredService<SqliteDatabase>();
                await database.MigrateAsync(cancellationToken);
                logger.LogInformation("App database ready at {Path}", database.Path);
            }

            if ((o.Blobs == BlobProvider.S3 || o.EffectiveKeyRing == KeyRingStore.S3) && o.S3.CreateBucket)
            {
                var store = new S3BlobStore(services.GetRequiredService<IAmazonS3>(), o.S3.Bucket!, o.S3.Prefix);
                var setup = await store.EnsureBucketAsync(cancellationToken);
                if (setup == S3BlobStore.BucketSetup.CreatedWithoutPublicAccessBlock)
                {
                    logger.LogWarning("Created bucket {Bucket} without an ACL; the server has no public access block to add", store.Bucket);
                }
                else
                {
                    logger.LogInformation("Blob bucket {Bucket}: {Setup}", store.Bucket, setup);
                }
            }

            logger.LogInformation(
                "Storage: rows in {Provider}, blobs in {Blobs}, Data Protection keys in {KeyRing}", o.Provider, o.Blobs, o.EffectiveKeyRing);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
