using MySqlConnector;

namespace FaceMask.WebFront.Storage;

/// <summary>Failed-login counting on MySQL/MariaDB, behaving exactly like <see cref="SqliteLoginThrottleStore"/>.</summary>
public sealed class MySqlLoginThrottleStore(MySqlDatabase database) : ILoginThrottleStore
{
    /// <summary>ER_LOCK_DEADLOCK and ER_LOCK_WAIT_TIMEOUT: InnoDB rolled the transaction back; it is safe to run again.</summary>
    private static readonly int[] Retryable = [1213, 1205];

    private const int Attempts = 5;

    public async Task<DateTimeOffset?> LockedUntilAsync(string username, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            "SELECT locked_until FROM login_throttle WHERE username_key = @key AND locked_until > @now;", connection);
        command.Parameters.AddWithValue("@key", MySqlUserStore.Key(username));
        command.Parameters.AddWithValue("@now", MySqlDatabase.ToStored(now));
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime until ? MySqlDatabase.FromStored(until) : null;
    }

    public async Task<DateTimeOffset?> RecordFailureAsync(
        string username, DateTimeOffset now, LoginThrottlePolicy policy, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryRecordFailureAsync(username, now, policy, cancellationToken);
            }
            catch (MySqlException e) when (Retryable.Contains(e.Number) && attempt < Attempts)
            {
            }
        }
    }

    public async Task ResetAsync(string username, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand("DELETE FROM login_throttle WHERE username_key = @key;", connection);
        command.Parameters.AddWithValue("@key", MySqlUserStore.Key(username));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<DateTimeOffset?> TryRecordFailureAsync(
        string username, DateTimeOffset now, LoginThrottlePolicy policy, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var key = MySqlUserStore.Key(username);

        // The read and the write below must be one step for every WebFront. SELECT ... FOR UPDATE alone locks
        // nothing when the row is missing (two first failures would both count from zero), so make sure a
        // row exists and hold its lock first. A placeholder (no failures, not locked) never outlives this
        // transaction: it is overwritten below.
        await using (var ensure = new MySqlCommand(
            """
            INSERT INTO login_throttle (username_key, failures, first_failure_at, locked_until)
            VALUES (@key, 0, @now, NULL)
            ON DUPLICATE KEY UPDATE failures = failures;
            """,
            connection,
            transaction))
        {
            ensure.Parameters.AddWithValue("@key", key);
            ensure.Parameters.AddWithValue("@now", MySqlDatabase.ToStored(now));
            await ensure.ExecuteNonQueryAsync(cancellationToken);
        }

        ThrottleState? current = null;
        await using (var read = new MySqlCommand(
            "SELECT failures, first_failure_at, locked_until FROM login_throttle WHERE username_key = @key FOR UPDATE;",
            connection,
            transaction))
        {
            read.Parameters.AddWithValue("@key", key);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                var state = new ThrottleState(
                    reader.GetInt32(0),
                    MySqlDatabase.FromStored(reader.GetDateTime(1)),
                    reader.IsDBNull(2) ? null : MySqlDatabase.FromStored(reader.GetDateTime(2)));
                // Every stored state has a failure or a lockout; only the placeholder has neither.
                current = state is { Failures: 0, LockedUntil: null } ? null : state;
            }
        }

        var next = policy.AfterFailure(current, now);
        await using (var write = new MySqlCommand(
            "UPDATE login_throttle SET failures = @failures, first_failure_at = @first, locked_until = @locked WHERE username_key = @key;",
            connection,
            transaction))
        {
            write.Parameters.AddWithValue("@key", key);
            write.Parameters.AddWithValue("@failures", next.Failures);
            write.Parameters.AddWithValue("@first", MySqlDatabase.ToStored(next.FirstFailureAt));
            write.Parameters.AddWithValue("@locked", next.LockedUntil is { } until ? MySqlDatabase.ToStored(until) : DBNull.Value);
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return next.LockedUntil > now ? next.LockedUntil : null;
    }
}
