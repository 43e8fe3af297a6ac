using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FaceMask.WebFront.Storage;
using MySqlConnector;

namespace FaceMask.IntegrationTests.Storage;

/// <summary>
/// The servers the cluster-profile tests need, as scripts/test-services.sh prints them. A missing variable
/// fails the test with the command to run: these tests never skip silently.
/// </summary>
public static class TestServices
{
    public const string MySqlVariable = "FACEMASK_TEST_MYSQL";
    public const string S3UrlVariable = "FACEMASK_TEST_S3_URL";
    public const string S3AccessKeyVariable = "FACEMASK_TEST_S3_ACCESS_KEY";
    public const string S3SecretKeyVariable = "FACEMASK_TEST_S3_SECRET_KEY";
    public const string S3RegionVariable = "FACEMASK_TEST_S3_REGION";

    public static string MySqlConnectionString => Required(MySqlVariable);

    public static string S3Url => Required(S3UrlVariable);

    public static string S3Region => Environment.GetEnvironmentVariable(S3RegionVariable) is { Length: > 0 } region ? region : "us-east-1";

    public static S3StorageOptions S3Options(string bucket, string prefix = "") => new()
    {
        Bucket = bucket,
        ServiceUrl = S3Url,
        ForcePathStyle = true,
        Region = S3Region,
        Prefix = prefix,
    };

    /// <summary>
    /// WebFront takes S3 credentials from the standard AWS chain only; the tests hand s3rver's through the
    /// chain's environment variables, as an operator would.
    /// </summary>
    public static void ExportS3Credentials()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", Required(S3AccessKeyVariable));
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", Required(S3SecretKeyVariable));
    }

    /// <summary>A client on the test server, built like WebFront's, with the test credentials.</summary>
    public static AmazonS3Client S3Client(S3StorageOptions? options = null)
    {
        var o = options ?? S3Options("unused");
        var config = new AmazonS3Config { ServiceURL = o.ServiceUrl, ForcePathStyle = true, AuthenticationRegion = o.Region };
        return new AmazonS3Client(new BasicAWSCredentials(Required(S3AccessKeyVariable), Required(S3SecretKeyVariable)), config);
    }

    public static string NewBucketName() => "fm-test-" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>Deletes every object of a test bucket, then the bucket.</summary>
    public static async Task DeleteBucketAsync(IAmazonS3 s3, string bucket)
    {
        try
        {
            // v1 listing, first page until empty (s3rver cannot page v2 listings on this Node).
            while (true)
            {
                var page = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket });
                if (page.S3Objects is not { Count: > 0 } objects)
                {
                    break;
                }

                foreach (var item in objects)
                {
                    await s3.DeleteObjectAsync(bucket, item.Key);
                }
            }

            await s3.DeleteBucketAsync(bucket);
        }
        catch (AmazonS3Exception)
        {
        }
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set. Tests with Category=MySql or Category=S3 need the test services: "
                + "run `eval \"$(scripts/test-services.sh start)\"` in this shell first, or filter them out with "
                + "--filter \"Category!=MySql&Category!=S3\".");
}

/// <summary>A database of its own on the test server (random name), dropped at the end.</summary>
public sealed class MySqlTestDatabase : IAsyncDisposable
{
    private readonly string _server;

    private MySqlTestDatabase(string server, string connectionString, string name)
    {
        _server = server;
        ConnectionString = connectionString;
        Name = name;
    }

    public string ConnectionString { get; }

    public string Name { get; }

    public static async Task<MySqlTestDatabase> CreateAsync()
    {
        var server = TestServices.MySqlConnectionString;
        var builder = new MySqlConnectionStringBuilder(server);
        // The test-services user may create databases whose names start with the configured one.
        var name = $"{builder.Database}_t_{Guid.NewGuid():N}"[..40];
        await using (var connection = new MySqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new MySqlCommand($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;", connection);
            await command.ExecuteNonQueryAsync();
        }

        builder.Database = name;
        return new MySqlTestDatabase(server, builder.ConnectionString, name);
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new MySqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"DROP DATABASE IF EXISTS `{Name}`;", connection);
        await command.ExecuteNonQueryAsync();
    }
}
