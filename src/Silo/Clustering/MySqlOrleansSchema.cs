using System.Diagnostics;
using System.Text;
using MySqlConnector;

namespace FaceMask.Silo.Clustering;

/// <summary>
/// FaceMask's own schema and query texts for the Orleans AdoNet providers on MariaDB
/// (<c>MySqlOrleansSchema.sql</c>, embedded), and their installation.
/// </summary>
public static class MySqlOrleansSchema
{
    /// <summary>The AdoNet invariant that makes the providers load MySqlConnector.</summary>
    public const string Invariant = "MySql.Data.MySqlConnector";

    private const string ResourceName = "FaceMask.Silo.MySqlOrleansSchema.sql";

    /// <summary>How long an installer waits for another one (a silo starting at the same moment) to finish.</summary>
    private const int LockWaitSeconds = 120;

    /// <summary>The whole script, as the <c>mariadb</c> command-line client would run it (with DELIMITER lines).</summary>
    public static string Script { get; } = LoadScript();

    /// <summary>The script cut into the statements the server runs one by one (DELIMITER is a client command).</summary>
    public static IReadOnlyList<string> Statements { get; } = Split(Script);

    /// <summary>
    /// Installs the schema into the database the connection string names. Idempotent, and safe when several
    /// silos start at once: each installer holds a named lock of that database (GET_LOCK) while it runs, so
    /// they take turns, and every statement only creates what is missing or replaces a query text.
    /// </summary>
    /// <returns>How long the installation took, lock wait included.</returns>
    public static async Task<TimeSpan> InstallAsync(string connectionString, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        if (string.IsNullOrEmpty(connection.Database))
        {
            throw new InvalidOperationException(
                "The cluster's MySQL connection string names no database (Database=...): the schema needs one.");
        }

        // The lock is the connection's: the server releases it if this process dies halfway. Lock names are
        // at most 64 characters, database names too, hence the digest.
        const string LockName = "CONCAT('facemask-orleans-', MD5(DATABASE()))";
        if (await ScalarAsync(connection, $"SELECT GET_LOCK({LockName}, {LockWaitSeconds})", cancellationToken) is not 1L and not 1)
        {
            throw new TimeoutException(
                $"Another installer held the schema lock of database {connection.Database} for more than {LockWaitSeconds} s.");
        }

        try
        {
            foreach (var statement in Statements)
            {
                await using var command = new MySqlCommand(statement, connection);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        finally
        {
            await ScalarAsync(connection, $"SELECT RELEASE_LOCK({LockName})", CancellationToken.None);
        }

        return Stopwatch.GetElapsedTime(started);
    }

    private static async Task<object?> ScalarAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>
    /// Splits a script the way the <c>mariadb</c> client does: at the current delimiter (<c>;</c>, or what a
    /// <c>DELIMITER</c> line sets) outside quotes and comments. Comments outside statements are dropped.
    /// </summary>
    internal static List<string> Split(string script)
    {
        var statements = new List<string>();
        var current = new StringBuilder();
        var hasCode = false;
        var delimiter = ";";
        var i = 0;
        var atLineStart = true;

        void Flush()
        {
            if (hasCode)
            {
                statements.Add(current.ToString().Trim());
            }

            current.Clear();
            hasCode = false;
        }

        // Comments between statements are dropped; those inside one stay (procedure bodies).
        void AppendInside(int from, int to)
        {
            if (hasCode)
            {
                current.Append(script, from, to - from);
            }
        }

        while (i < script.Length)
        {
            if (atLineStart && !hasCode && StartsWithWord(script, i, "DELIMITER"))
            {
                var end = script.IndexOf('\n', i);
                end = end < 0 ? script.Length : end;
                delimiter = script[(i + "DELIMITER".Length)..end].Trim();
                if (delimiter.Length == 0)
                {
                    throw new FormatException("DELIMITER without a delimiter in the schema script.");
                }

                current.Clear();
                i = end;
                continue;
            }

            var c = script[i];
            atLineStart = c == '\n' || (atLineStart && char.IsWhiteSpace(c));
            if (c == '-' && At(script, i, "--") && (i + 2 >= script.Length || char.IsWhiteSpace(script[i + 2])))
            {
                var end = script.IndexOf('\n', i);
                end = end < 0 ? script.Length : end;
                AppendInside(i, end);
                i = end;
                continue;
            }

            if (c == '/' && At(script, i, "/*"))
            {
                var end = script.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? script.Length : end + 2;
                AppendInside(i, end);
                i = end;
                continue;
            }

            if (c is '\'' or '"' or '`')
            {
                var end = EndOfQuoted(script, i);
                current.Append(script, i, end - i);
                hasCode = true;
                i = end;
                continue;
            }

            if (At(script, i, delimiter))
            {
                Flush();
                i += delimiter.Length;
                continue;
            }

            hasCode |= !char.IsWhiteSpace(c);
            if (hasCode)
            {
                current.Append(c);
            }

            i++;
        }

        Flush();
        return statements;
    }

    /// <summary>The index just past the quoted text starting at <paramref name="start"/> ('' and \' escapes).</summary>
    private static int EndOfQuoted(string script, int start)
    {
        var quote = script[start];
        var i = start + 1;
        while (i < script.Length)
        {
            if (script[i] == '\\' && quote != '`')
            {
                i += 2;
                continue;
            }

            if (script[i] == quote)
            {
                if (i + 1 < script.Length && script[i + 1] == quote)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        throw new FormatException($"Unterminated {quote} quote in the schema script.");
    }

    private static bool At(string text, int index, string value) =>
        string.CompareOrdinal(text, index, value, 0, value.Length) == 0;

    private static bool StartsWithWord(string text, int index, string word) =>
        string.Compare(text, index, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0
        && index + word.Length < text.Length && char.IsWhiteSpace(text[index + word.Length]);

    private static string LoadScript()
    {
        using var stream = typeof(MySqlOrleansSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
