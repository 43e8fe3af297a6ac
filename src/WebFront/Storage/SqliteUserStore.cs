using Microsoft.Data.Sqlite;

namespace FaceMask.WebFront.Storage;

public sealed class SqliteUserStore(SqliteDatabase database, TimeProvider time) : IUserStore
{
    private const string Columns = "id, username, password_hash, is_admin, security_stamp, created_at";

    public Task<AppUser?> FindAsync(string username, CancellationToken cancellationToken = default) =>
        QuerySingleAsync($"SELECT {Columns} FROM users WHERE username_key = $key;", cancellationToken, ("$key", Key(username)));

    public Task<AppUser?> FindByIdAsync(long id, CancellationToken cancellationToken = default) =>
        QuerySingleAsync($"SELECT {Columns} FROM users WHERE id = $id;", cancellationToken, ("$id", id));

    public async Task<AppUser?> CreateAsync(string username, string passwordHash, bool isAdmin, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO users (username, username_key, password_hash, is_admin, security_stamp, created_at)
            VALUES ($username, $key, $hash, $admin, $stamp, $created)
            ON CONFLICT (username_key) DO NOTHING
            RETURNING id;
            """;
        var created = time.GetUtcNow();
        var stamp = NewStamp();
        command.Parameters.AddWithValue("$username", username);
        command.Parameters.AddWithValue("$key", Key(username));
        command.Parameters.AddWithValue("$hash", passwordHash);
        command.Parameters.AddWithValue("$admin", isAdmin ? 1 : 0);
        command.Parameters.AddWithValue("$stamp", stamp);
        command.Parameters.AddWithValue("$created", created.ToUnixTimeMilliseconds());
        var id = await command.ExecuteScalarAsync(cancellationToken);
        return id is long newId
            ? new AppUser(newId, username, passwordHash, isAdmin, stamp, DateTimeOffset.FromUnixTimeMilliseconds(created.ToUnixTimeMilliseconds()))
            : null;
    }

    public async Task<bool> SetPasswordAsync(long id, string passwordHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE users SET password_hash = $hash, security_stamp = $stamp WHERE id = $id;";
        command.Parameters.AddWithValue("$hash", passwordHash);
        command.Parameters.AddWithValue("$stamp", NewStamp());
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT u.id, u.username, u.is_admin, u.created_at, COUNT(i.id)
            FROM users u LEFT JOIN images i ON i.user_id = u.id
            GROUP BY u.id ORDER BY u.username_key;
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var users = new List<UserSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(new UserSummary(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetInt64(2) != 0,
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.GetInt32(4)));
        }

        return users;
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM users WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>User names are unique without regard to case.</summary>
    public static string Key(string username) => UserNames.Key(username);

    private static string NewStamp() => Guid.NewGuid().ToString("N");

    private async Task<AppUser?> QuerySingleAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static AppUser Read(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetInt64(3) != 0,
        reader.GetString(4),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)));
}
