using MySqlConnector;

namespace FaceMask.Testing;

/// <summary>
/// A database of its own on the test MariaDB server (FACEMASK_TEST_MYSQL, printed by
/// <c>scripts/test-services.sh start</c>), randomly named and dropped on dispose. Without the variable the
/// test fails with a message that says how to start the server: a MySQL test never passes silently.
/// </summary>
public sealed class MySqlTestDatabase : IAsyncDisposable
{
    public const string Variable = "FACEMASK_TEST_MYSQL";

    private readonly string _server;

    private MySqlTestDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new MySqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    /// <summary>The connection string of this database, as a worker would be given it.</summary>
    public string ConnectionString { get; }

    /// <summary>The server's connection string from the environment, or a failure that says how to get one.</summary>
    public static string ServerConnectionString() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: the MySql tests need the test MariaDB. Run " +
                "eval \"$(scripts/test-services.sh start)\" in the repository root first (scripts/test.sh and .ci/run do it), " +
                "or exclude them with --filter \"Category!=MySql\".");

    public static async Task<MySqlTestDatabase> CreateAsync()
    {
        var server = ServerConnectionString();
        var database = new MySqlTestDatabase(server, "fm_test_" + Guid.NewGuid().ToString("N")[..12]);
        await database.ExecuteOnServerAsync($"CREATE DATABASE `{database.Name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        return database;
    }

    public async Task<MySqlConnection> OpenAsync()
    {
        var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<MySqlDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await using (var connection = new MySqlConnection(ConnectionString))
        {
            await MySqlConnection.ClearPoolAsync(connection);
        }

        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS `{Name}`");
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new MySqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
