using System.Text.RegularExpressions;

namespace FaceMask.WebFront.Storage;

/// <summary>Accounts. The embedded default keeps them in SQLite; the cluster profile in MySQL.</summary>
public interface IUserStore
{
    Task<AppUser?> FindAsync(string username, CancellationToken cancellationToken = default);

    Task<AppUser?> FindByIdAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>The new user, or null when the name (compared without case) is taken.</summary>
    Task<AppUser?> CreateAsync(string username, string passwordHash, bool isAdmin, CancellationToken cancellationToken = default);

    /// <summary>Sets a new hash and security stamp, which signs out every other session.</summary>
    Task<bool> SetPasswordAsync(long id, string passwordHash, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the user and, with them, their image rows.</summary>
    Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default);
}

public static class UserNames
{
    /// <summary>
    /// User names are unique without regard to case: every store compares this key byte for byte (ordinal),
    /// never through a database collation.
    /// </summary>
    public static string Key(string username) => username.ToLowerInvariant();
}

/// <summary>Upload rows; blobs live in <see cref="IBlobStore"/>.</summary>
public interface IImageStore
{
    Task InsertAsync(StoredImage image, CancellationToken cancellationToken = default);

    /// <summary>The image when it exists and belongs to <paramref name="userId"/>; otherwise null.</summary>
    Task<StoredImage?> FindAsync(long userId, string id, CancellationToken cancellationToken = default);

    /// <summary>Newest first, optionally one category.</summary>
    Task<IReadOnlyList<StoredImage>> ListAsync(
        long userId, ImageCategory? category, int skip, int take, CancellationToken cancellationToken = default);

    Task<IReadOnlyDictionary<ImageCategory, int>> CountAsync(long userId, CancellationToken cancellationToken = default);

    Task<bool> DeleteAsync(long userId, string id, CancellationToken cancellationToken = default);

    /// <summary>Deletes every image row of every user; returns how many.</summary>
    Task<int> DeleteAllAsync(CancellationToken cancellationToken = default);

    Task<int> CountAllAsync(CancellationToken cancellationToken = default);
}

/// <summary>Failed-login counting per user name (known or not), shared by every WebFront.</summary>
public interface ILoginThrottleStore
{
    Task<DateTimeOffset?> LockedUntilAsync(string username, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Counts a failure; returns the lockout end when this failure starts one.</summary>
    Task<DateTimeOffset?> RecordFailureAsync(
        string username, DateTimeOffset now, LoginThrottlePolicy policy, CancellationToken cancellationToken = default);

    Task ResetAsync(string username, CancellationToken cancellationToken = default);
}

/// <summary>How many failed logins within a window lock a user name, and for how long.</summary>
public sealed record LoginThrottlePolicy(int MaxFailures, TimeSpan FailureWindow, TimeSpan Lockout)
{
    /// <summary>
    /// The state after one more failure. A failure while locked changes nothing; one after the window or
    /// after a lockout ended starts a new count; reaching <see cref="MaxFailures"/> locks.
    /// </summary>
    public ThrottleState AfterFailure(ThrottleState? current, DateTimeOffset now)
    {
        if (current?.LockedUntil > now)
        {
            return current;
        }

        var fresh = current is null || current.LockedUntil is not null || current.FirstFailureAt < now - FailureWindow;
        var failures = fresh ? 1 : current!.Failures + 1;
        var first = fresh ? now : current!.FirstFailureAt;
        return failures >= MaxFailures
            ? new ThrottleState(0, now, now + Lockout)
            : new ThrottleState(failures, first, null);
    }
}

public sealed record ThrottleState(int Failures, DateTimeOffset FirstFailureAt, DateTimeOffset? LockedUntil);

/// <summary>Image bytes by key. Local folder in the embedded default; S3 in the cluster profile.</summary>
public interface IBlobStore
{
    Task PutAsync(string key, byte[] content, string contentType, CancellationToken cancellationToken = default);

    Task<Blob?> GetAsync(string key, CancellationToken cancellationToken = default);

    Task DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes every blob whose key starts with <paramref name="prefix"/>.</summary>
    Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default);
}

/// <summary>Where an upload's blobs live: one folder (prefix) per user, one per image.</summary>
public static partial class BlobKeys
{
    /// <summary>
    /// Every store accepts the same keys: '/'-separated segments of <c>A-Z a-z 0-9 _ . -</c>, none of them
    /// "." or "..". Keys are ours, but a store checks anyway: nothing may leave its root.
    /// </summary>
    public static string Check(string key) =>
        KeyPattern().IsMatch(key) && !key.Split('/').Any(part => part is "." or "..")
            ? key
            : throw new ArgumentException($"Not a valid blob key: '{key}'.", nameof(key));

    /// <summary>Prefixes end at a folder boundary ("users/17/"), so "users/1/" never matches "users/17/".</summary>
    public static string CheckPrefix(string prefix)
    {
        if (!prefix.EndsWith('/'))
        {
            throw new ArgumentException("A prefix must end with '/'.", nameof(prefix));
        }

        Check(prefix.TrimEnd('/'));
        return prefix;
    }

    public static string UserPrefix(long userId) => $"users/{userId}/";

    public static (string Original, string Annotated, string Thumbnail) For(long userId, string imageId, string extension) =>
        ($"users/{userId}/{imageId}/original.{extension}",
         $"users/{userId}/{imageId}/annotated.jpg",
         $"users/{userId}/{imageId}/thumbnail.jpg");

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*\z")]
    private static partial Regex KeyPattern();
}
