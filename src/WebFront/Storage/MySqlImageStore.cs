using System.Text.Json;
using MySqlConnector;

namespace FaceMask.WebFront.Storage;

/// <summary>Upload rows on MySQL/MariaDB, behaving exactly like <see cref="SqliteImageStore"/>.</summary>
public sealed class MySqlImageStore(MySqlDatabase database) : IImageStore
{
    private const string Columns = """
        id, user_id, file_name, content_type, width, height, num_faces, num_masked, num_unmasked, category,
        detections, original_key, annotated_key, thumbnail_key, worker, detect_ms, total_ms, created_at
        """;

    public async Task InsertAsync(StoredImage image, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            $"""
            INSERT INTO images ({Columns})
            VALUES (@id, @user, @file, @type, @w, @h, @faces, @masked, @unmasked, @category,
                    @detections, @original, @annotated, @thumbnail, @worker, @detect, @total, @created);
            """,
            connection);
        var p = command.Parameters;
        p.AddWithValue("@id", image.Id);
        p.AddWithValue("@user", image.UserId);
        p.AddWithValue("@file", image.FileName);
        p.AddWithValue("@type", image.ContentType);
        p.AddWithValue("@w", image.Width);
        p.AddWithValue("@h", image.Height);
        p.AddWithValue("@faces", image.NumFaces);
        p.AddWithValue("@masked", image.NumMasked);
        p.AddWithValue("@unmasked", image.NumUnmasked);
        p.AddWithValue("@category", image.Category.Key());
        p.AddWithValue("@detections", JsonSerializer.Serialize(image.Detections));
        p.AddWithValue("@original", image.OriginalKey);
        p.AddWithValue("@annotated", image.AnnotatedKey);
        p.AddWithValue("@thumbnail", image.ThumbnailKey);
        p.AddWithValue("@worker", image.Worker);
        p.AddWithValue("@detect", image.DetectMs);
        p.AddWithValue("@total", image.TotalMs);
        p.AddWithValue("@created", MySqlDatabase.ToStored(image.CreatedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredImage?> FindAsync(long userId, string id, CancellationToken cancellationToken = default)
    {
        var found = await QueryAsync(
            $"SELECT {Columns} FROM images WHERE id = @id AND user_id = @user;",
            cancellationToken,
            ("@id", id),
            ("@user", userId));
        return found.Count == 1 ? found[0] : null;
    }

    public Task<IReadOnlyList<StoredImage>> ListAsync(
        long userId, ImageCategory? category, int skip, int take, CancellationToken cancellationToken = default) =>
        category is { } c
            ? QueryAsync(
                $"SELECT {Columns} FROM images WHERE user_id = @user AND category = @category ORDER BY created_at DESC, id LIMIT @take OFFSET @skip;",
                cancellationToken,
                ("@user", userId),
                ("@category", c.Key()),
                ("@take", take),
                ("@skip", skip))
            : QueryAsync(
                $"SELECT {Columns} FROM images WHERE user_id = @user ORDER BY created_at DESC, id LIMIT @take OFFSET @skip;",
                cancellationToken,
                ("@user", userId),
                ("@take", take),
                ("@skip", skip));

    public async Task<IReadOnlyDictionary<ImageCategory, int>> CountAsync(long userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand("SELECT category, COUNT(*) FROM images WHERE user_id = @user GROUP BY category;", connection);
        command.Parameters.AddWithValue("@user", userId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = ImageCategories.All.ToDictionary(c => c, _ => 0);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (ImageCategories.TryParse(reader.GetString(0), out var category))
            {
                counts[category] = Convert.ToInt32(reader.GetValue(1));
            }
        }

        return counts;
    }

    public async Task<bool> DeleteAsync(long userId, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand("DELETE FROM images WHERE id = @id AND user_id = @user;", connection);
        command.Parameters.AddWithValue("@id", id);
        command.Parameters.AddWithValue("@user", userId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<int> DeleteAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand("DELETE FROM images;", connection);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> CountAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand("SELECT COUNT(*) FROM images;", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    private async Task<IReadOnlyList<StoredImage>> QueryAsync(
        string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var images = new List<StoredImage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            images.Add(Read(reader));
        }

        return images;
    }

    private static StoredImage Read(MySqlDataReader r) => new(
        r.GetString(0),
        r.GetInt64(1),
        r.GetString(2),
        r.GetString(3),
        r.GetInt32(4),
        r.GetInt32(5),
        r.GetInt32(6),
        r.GetInt32(7),
        r.GetInt32(8),
        ImageCategories.TryParse(r.GetString(9), out var category) ? category : ImageCategory.NoFace,
        JsonSerializer.Deserialize<List<StoredFace>>(r.GetString(10)) ?? [],
        r.GetString(11),
        r.GetString(12),
        r.GetString(13),
        r.GetString(14),
        r.GetDouble(15),
        r.GetDouble(16),
        MySqlDatabase.FromStored(r.GetDateTime(17)));
}
