using System.ComponentModel.DataAnnotations;

namespace FaceMask.WebFront.Storage;

/// <summary>Where app rows (users, images, login throttle) live.</summary>
public enum AppDataProvider
{
    /// <summary>The embedded default: one SQLite file under <see cref="StorageOptions.DataDirectory"/>.</summary>
    Sqlite,

    /// <summary>The cluster profile: a MySQL/MariaDB database shared by every WebFront.</summary>
    MySql,
}

/// <summary>Where image bytes live.</summary>
public enum BlobProvider
{
    /// <summary>The embedded default: a folder under <see cref="StorageOptions.DataDirectory"/>.</summary>
    Local,

    /// <summary>The cluster profile: a private S3 (or S3-compatible) bucket.</summary>
    S3,
}

/// <summary>Where the ASP.NET Data Protection keys (which sign and encrypt the session cookies) live.</summary>
public enum KeyRingStore
{
    /// <summary>MySQL when app data is on MySQL, else S3 when blobs are on S3, else <see cref="Machine"/>.</summary>
    Auto,

    /// <summary>ASP.NET's default place for this machine and OS user: WebFronts on one machine share it.</summary>
    Machine,

    /// <summary>The app database's data_protection_keys table: every WebFront on the database shares it.</summary>
    MySql,

    /// <summary>Objects under the bucket's <c>keyring/</c> prefix: every WebFront on the bucket shares it.</summary>
    S3,
}

/// <summary>Where WebFront keeps app data ("Storage" section): the one switch between the two profiles.</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    public AppDataProvider Provider { get; set; } = AppDataProvider.Sqlite;

    public BlobProvider Blobs { get; set; } = BlobProvider.Local;

    public KeyRingStore KeyRing { get; set; } = KeyRingStore.Auto;

    /// <summary>Folder of the SQLite file and the image blobs; relative paths start at the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    public MySqlStorageOptions MySql { get; set; } = new();

    public S3StorageOptions S3 { get; set; } = new();

    public string DatabasePath(string contentRoot) => Path.Combine(Root(contentRoot), "facemask.db");

    public string BlobDirectory(string contentRoot) => Path.Combine(Root(contentRoot), "blobs");

    /// <summary>The key ring's store once <see cref="KeyRingStore.Auto"/> is resolved.</summary>
    public KeyRingStore EffectiveKeyRing => KeyRing != KeyRingStore.Auto ? KeyRing
        : Provider == AppDataProvider.MySql ? KeyRingStore.MySql
        : Blobs == BlobProvider.S3 ? KeyRingStore.S3
        : KeyRingStore.Machine;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if ((Provider == AppDataProvider.MySql || EffectiveKeyRing == KeyRingStore.MySql) && string.IsNullOrWhiteSpace(MySql.ConnectionString))
        {
            yield return new ValidationResult(
                "Storage:MySql:ConnectionString is required with Storage:Provider=MySql or Storage:KeyRing=MySql "
                + "(give it through the environment, e.g. Storage__MySql__ConnectionString, never in appsettings).",
                [nameof(MySql)]);
        }

        if (Blobs == BlobProvider.S3 || EffectiveKeyRing == KeyRingStore.S3)
        {
            foreach (var problem in S3.Problems())
            {
                yield return new ValidationResult(problem, [nameof(S3)]);
            }
        }
    }

    private string Root(string contentRoot) => Path.GetFullPath(DataDirectory, contentRoot);
}

/// <summary>"Storage:MySql".</summary>
public sealed class MySqlStorageOptions
{
    /// <summary>MySqlConnector connection string naming the database, e.g. <c>Server=db;Database=facemask;User ID=app;Password=...</c>.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>
/// "Storage:S3". Credentials are never configured here: the client takes them from the standard AWS chain
/// (environment variables, shared profile, EC2 instance profile).
/// </summary>
public sealed class S3StorageOptions
{
    public string? Bucket { get; set; }

    /// <summary>An S3-compatible endpoint (e.g. http://127.0.0.1:4569); unset for AWS itself.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>bucket in the path (http://host/bucket/key) rather than the host name; most S3-compatible servers need it.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>The AWS region (e.g. eu-west-1); with <see cref="ServiceUrl"/>, the region requests are signed for.</summary>
    public string? Region { get; set; }

    /// <summary>Key prefix for everything FaceMask stores, e.g. "facemask/"; empty or ending in '/'.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>Create the bucket at start-up when it is missing (private: no ACL, public access blocked).</summary>
    public bool CreateBucket { get; set; } = true;

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            yield return "Storage:S3:Bucket is required with Storage:Blobs=S3 or Storage:KeyRing=S3.";
        }

        if (ServiceUrl is not null && !Uri.TryCreate(ServiceUrl, UriKind.Absolute, out _))
        {
            yield return $"Storage:S3:ServiceUrl '{ServiceUrl}' is not an absolute URL.";
        }

        if (Prefix.Length > 0)
        {
            string? problem = null;
            try
            {
                BlobKeys.CheckPrefix(Prefix);
            }
            catch (ArgumentException)
            {
                problem = $"Storage:S3:Prefix '{Prefix}' must be empty or key segments ending in '/', e.g. 'facemask/'.";
            }

            if (problem is not null)
            {
                yield return problem;
            }
        }
    }
}
