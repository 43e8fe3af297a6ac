using FaceMask.WebFront.Storage;
using MySqlConnector;

namespace FaceMask.IntegrationTests.Storage;

/// <summary>The embedded default's stores on a fresh SQLite file.</summary>
public sealed class SqliteAppStores : IAppStores
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "facemask-stores-" + Guid.NewGuid().ToString("N"));

    public SqliteDatabase Database { get; private set; } = null!;

    public IUserStore Users { get; private set; } = null!;

    public IImageStore Images { get; private set; } = null!;

    public ILoginThrottleStore Throttle { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Database = new SqliteDatabase(Path.Combine(_folder, "facemask.db"));
        await Database.MigrateAsync();
        Users = new SqliteUserStore(Database, TimeProvider.System);
        Images = new SqliteImageStore(Database);
        Throttle = new SqliteLoginThrottleStore(Database);
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The cluster profile's stores on a fresh MariaDB database, migrated as at start-up.</summary>
public sealed class MySqlAppStores : IAppStores
{
    private MySqlTestDatabase? _testDatabase;

    public MySqlDatabase Database { get; private set; } = null!;

    public IUserStore Users { get; private set; } = null!;

    public IImageStore Images { get; private set; } = null!;

    public ILoginThrottleStore Throttle { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _testDatabase = await MySqlTestDatabase.CreateAsync();
        Database = new MySqlDatabase(_testDatabase.ConnectionString);
        await Database.MigrateAsync();
        Users = new MySqlUserStore(Database, TimeProvider.System);
        Images = new MySqlImageStore(Database);
        Throttle = new MySqlLoginThrottleStore(Database);
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        MySqlConnection.ClearAllPools();
        if (_testDatabase is not null)
        {
            await _testDatabase.DisposeAsync();
        }
    }
}

public sealed class SqliteAppStoreTests(SqliteAppStores stores) : AppStoreContract(stores), IClassFixture<SqliteAppStores>
{
    [Fact]
    public async Task MigratingAgainChangesNothing()
    {
        await stores.Database.MigrateAsync(TestContext.Current.CancellationToken);
        await stores.Database.MigrateAsync(TestContext.Current.CancellationToken);
        Assert.NotNull(await Users.CreateAsync("after" + Suffix(), "h", isAdmin: false, TestContext.Current.CancellationToken));
    }
}

[Trait("Category", "MySql")]
public sealed class MySqlAppStoreTests(MySqlAppStores stores) : AppStoreContract(stores), IClassFixture<MySqlAppStores>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WebFrontsMigratingAtOnceLeaveOneSchemaVersionAndWorkingTables()
    {
        // A database of its own: this test is about the very first start-up.
        await using var fresh = await MySqlTestDatabase.CreateAsync();
        var databases = Enumerable.Range(0, 4).Select(_ => new MySqlDatabase(fresh.ConnectionString)).ToList();
        try
        {
            await Task.WhenAll(databases.Select(d => Task.Run(() => d.MigrateAsync(Cancel), Cancel)));
            await databases[0].MigrateAsync(Cancel);

            await using var connection = await databases[0].OpenAsync(Cancel);
            await using var versions = new MySqlCommand("SELECT COUNT(*), MAX(version) FROM schema_version;", connection);
            await using (var reader = await versions.ExecuteReaderAsync(Cancel))
            {
                Assert.True(await reader.ReadAsync(Cancel));
                Assert.Equal(MySqlSchema.Migrations.Count, reader.GetInt32(0));
                Assert.Equal(MySqlSchema.Migrations.Count, reader.GetInt32(1));
            }

            var users = new MySqlUserStore(databases[1], TimeProvider.System);
            Assert.NotNull(await users.CreateAsync("first", "h", isAdmin: false, Cancel));
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }

            MySqlConnection.ClearAllPools();
        }
    }

    [Fact]
    public async Task TablesAreInnoDbAndTextIsUtf8mb4()
    {
        await using var connection = await stores.Database.OpenAsync(Cancel);
        await using var command = new MySqlCommand(
            """
            SELECT t.table_name, t.engine, COALESCE(MIN(c.character_set_name), '-'), COALESCE(MAX(c.character_set_name), '-')
            FROM information_schema.tables t
            LEFT JOIN information_schema.columns c
              ON c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.character_set_name NOT IN ('ascii', 'binary')
            WHERE t.table_schema = DATABASE()
            GROUP BY t.table_name, t.engine ORDER BY t.table_name;
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        var tables = new List<string>();
        while (await reader.ReadAsync(Cancel))
        {
            tables.Add(reader.GetString(0));
            Assert.Equal("InnoDB", reader.GetString(1));
            Assert.Contains(reader.GetString(2), new[] { "utf8mb4", "-" });
            Assert.Contains(reader.GetString(3), new[] { "utf8mb4", "-" });
        }

        Assert.Equal(["data_protection_keys", "images", "login_throttle", "schema_version", "users"], tables);
    }

    [Fact]
    public async Task WrongConnectionStringFailsWithTheServersMessage()
    {
        var builder = new MySqlConnectionStringBuilder(TestServices.MySqlConnectionString) { Password = "wrong-password" };
        await using var database = new MySqlDatabase(builder.ConnectionString);

        var error = await Assert.ThrowsAsync<MySqlException>(() => database.MigrateAsync(Cancel));
        Assert.Contains("Access denied", error.Message);
    }
}
