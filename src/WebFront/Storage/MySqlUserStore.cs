using System.Text;
using MySqlConnector;

namespace FaceMask.WebFront.Storage;

/// <summary>Accounts on MySQL/MariaDB, behaving exactly like <see cref="SqliteUserStore"/>.</summary>
public sealed class MySqlUserStore(MySqlDatabase database, TimeProvider time) : IUserStore
{
    private const string Columns = "id, username, password_hash, is_admin, security_stamp, created_at";

    public Task<AppUser?> FindAsync(string username, CancellationToken cancellationToken = default) =>
        QuerySingleAsync($"SELECT {Columns} FROM users WHERE username_key = @key;", cancellationToken, ("@key", Key(username)));

    public Task<AppUser?> FindByIdAsync(long id, CancellationToken cancellationToken = default) =>
        QuerySingleAsync($"SELECT {Columns} FROM users WHERE id = @id;", cancellationToken, ("@id", id));

    public async Task<AppUser?> CreateAsync(string username, string passwordHash, bool isAdmin, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            """
            INSERT INTO users (username, username_key, password_hash, is_admin, security_stamp, created_at)
            VALUES (@username, @key, @hash, @admin, @stamp, @created);
            """,
            connection);
        var created = MySqlDatabase.ToStored(time.GetUtcNow());
        var stamp = NewStamp();
        command.Parameters.AddWithValue("@username", username);
        command.Parameters.AddWithValue("@key", Key(username));
        command.Parameters.AddWithValue("@hash", passwordHash);
        command.Parameters.AddWithValue("@admin", isAdmin);
        command.Parameters.AddWithValue("@stamp", stamp);
        command.Parameters.AddWithValue("@created", created);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (MySqlException e) when (e.Number == MySqlDatabase.DuplicateKey)
        {
            // Only username_key is unique besides the generated id: the name is taken.
            return null;
        }

        return new AppUser(command.LastInsertedId, username, passwordHash, isAdmin, stamp, MySqlDatabase.FromStored(created));
    }

    public async Task<bool> SetPasswordAsync(long id, string passwordHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand("UPDATE users SET password_hash = @hash, security_stamp = @stamp WHERE id = @id;", connection);
        command.Parameters.AddWithValue("@hash", passwordHash);
        command.Parameters.AddWithValue("@stamp", NewStamp());
        command.Parameters.AddWithValue("@id", id);
        // A new stamp always changes the row, so "matched" and "changed" agree whatever UseAffectedRows says.
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            """
            SELECT u.id, u.username, u.is_admin, u.created_at, COUNT(i.id)
            FROM users u LEFT JOIN images i ON i.user_id = u.id
            GROUP BY u.id, u.username, u.is_admin, u.created_at, u.username_key ORDER BY u.username_key;
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var users = new List<UserSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(new UserSummary(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetBoolean(2),
                MySqlDatabase.FromStored(reader.GetDateTime(3)),
                Convert.ToInt32(reader.GetValue(4))));
        }

        return users;
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand("DELETE FROM users WHERE id = @id;", connection);
        command.Parameters.AddWithValue("@id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The key as the bytes SQLite compares: UTF-8 of the lower-cased name.</summary>
    public static byte[] Key(string username) => Encoding.UTF8.GetBytes(UserNames.Key(username));

    private static string NewStamp() => Guid.NewGuid().ToString("N");

    private async Task<AppUser?> QuerySingleAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static AppUser Read(MySqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetBoolean(3),
        reader.GetString(4),
        MySqlDatabase.FromStored(reader.GetDateTime(5)));
}
