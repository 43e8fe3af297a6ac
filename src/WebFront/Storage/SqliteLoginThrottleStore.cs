using Microsoft.Data.Sqlite;

namespace FaceMask.WebFront.Storage;

public sealed class SqliteLoginThrottleStore(SqliteDatabase database) : ILoginThrottleStore
{
    public async Task<DateTimeOffset?> LockedUntilAsync(string username, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT locked_until FROM login_throttle WHERE username_key = $key AND locked_until > $now;";
        command.Parameters.AddWithValue("$key", SqliteUserStore.Key(username));
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        return await command.ExecuteScalarAsync(cancellationToken) is long until
            ? DateTimeOffset.FromUnixTimeMilliseconds(until)
            : null;
    }

    public async Task<DateTimeOffset?> RecordFailureAsync(
        string username, DateTimeOffset now, LoginThrottlePolicy policy, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // IMMEDIATE: the read and the write below are one step for every process sharing the file.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var key = SqliteUserStore.Key(username);
        ThrottleState? current = null;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT failures, first_failure_at, locked_until FROM login_throttle WHERE username_key = $key;";
            read.Parameters.AddWithValue("$key", key);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                current = new ThrottleState(
                    reader.GetInt32(0),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                    reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));
            }
        }

        var next = policy.AfterFailure(current, now);
        await using (var write = connection.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = """
                INSERT INTO login_throttle (username_key, failures, first_failure_at, locked_until)
                VALUES ($key, $failures, $first, $locked)
                ON CONFLICT (username_key) DO UPDATE SET
                    failures = excluded.failures, first_failure_at = excluded.first_failure_at, locked_until = excluded.locked_until;
                """;
            write.Parameters.AddWithValue("$key", key);
            write.Parameters.AddWithValue("$failures", next.Failures);
            write.Parameters.AddWithValue("$first", next.FirstFailureAt.ToUnixTimeMilliseconds());
            write.Parameters.AddWithValue("$locked", (object?)next.LockedUntil?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return next.LockedUntil > now ? next.LockedUntil : null;
    }

    public async Task ResetAsync(string username, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM login_throttle WHERE username_key = $key;";
        command.Parameters.AddWithValue("$key", SqliteUserStore.Key(username));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
