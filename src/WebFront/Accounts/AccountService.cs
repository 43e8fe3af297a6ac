using System.Security.Cryptography;
using System.Text.RegularExpressions;
using FaceMask.WebFront.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FaceMask.WebFront.Accounts;

/// <summary>Registration, sign-in checks with throttling, and password changes; shared by pages and API.</summary>
public sealed partial class AccountService(
    IUserStore users,
    ILoginThrottleStore throttle,
    IPasswordHasher<AppUser> hasher,
    IOptions<AccountOptions> options,
    TimeProvider time)
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;

    // Verifying against this when the user does not exist keeps both answers equally slow.
    private static readonly Lazy<string> DummyHash = new(() =>
        new PasswordHasher<AppUser>().HashPassword(null!, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    public static string? UsernameProblem(string? username) =>
        string.IsNullOrEmpty(username) ? "Enter a user name."
        : !UsernamePattern().IsMatch(username)
            ? "A user name has 3 to 32 characters: letters, digits, '_', '.' or '-'."
            : null;

    public static string? PasswordProblem(string? password) =>
        string.IsNullOrEmpty(password) ? "Enter a password."
        : password.Length < MinPasswordLength ? $"A password has at least {MinPasswordLength} characters."
        : password.Length > MaxPasswordLength ? $"A password has at most {MaxPasswordLength} characters."
        : null;

    public async Task<RegisterResult> RegisterAsync(string? username, string? password, bool isAdmin = false, CancellationToken cancellationToken = default)
    {
        if ((UsernameProblem(username) ?? PasswordProblem(password)) is { } problem)
        {
            return new RegisterResult(RegisterStatus.Invalid, null, problem);
        }

        var user = await users.CreateAsync(username!, hasher.HashPassword(null!, password!), isAdmin, cancellationToken);
        return user is null
            ? new RegisterResult(RegisterStatus.Taken, null, $"The user name '{username}' is already taken.")
            : new RegisterResult(RegisterStatus.Created, user, null);
    }

    public async Task<LoginResult> AuthenticateAsync(string? username, string? password, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password) || username.Length > 64 || password.Length > MaxPasswordLength)
        {
            return LoginResult.Invalid;
        }

        var now = time.GetUtcNow();
        if (await throttle.LockedUntilAsync(username, now, cancellationToken) is { } lockedUntil)
        {
            return LoginResult.Locked(lockedUntil - now);
        }

        var user = await users.FindAsync(username, cancellationToken);
        var verdict = hasher.VerifyHashedPassword(user!, user?.PasswordHash ?? DummyHash.Value, password);
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            var o = options.Value;
            var lockout = await throttle.RecordFailureAsync(
                username, now, new LoginThrottlePolicy(o.MaxFailedLogins, o.FailureWindow, o.Lockout), cancellationToken);
            return lockout is { } until ? LoginResult.Locked(until - now) : LoginResult.Invalid;
        }

        await throttle.ResetAsync(username, cancellationToken);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await users.SetPasswordAsync(user.Id, hasher.HashPassword(user, password), cancellationToken);
            user = await users.FindByIdAsync(user.Id, cancellationToken) ?? user;
        }

        return LoginResult.Ok(user);
    }

    /// <summary>Null on success; otherwise what is wrong.</summary>
    public async Task<string?> ChangePasswordAsync(long userId, string? current, string? replacement, CancellationToken cancellationToken = default)
    {
        var user = await users.FindByIdAsync(userId, cancellationToken);
        if (user is null)
        {
            return "Your account no longer exists.";
        }

        if (string.IsNullOrEmpty(current) || hasher.VerifyHashedPassword(user, user.PasswordHash, current) == PasswordVerificationResult.Failed)
        {
            return "The current password is not right.";
        }

        return await SetPasswordAsync(userId, replacement, cancellationToken);
    }

    /// <summary>An administrator's reset, or the last step of a change. Null on success.</summary>
    public async Task<string?> SetPasswordAsync(long userId, string? password, CancellationToken cancellationToken = default)
    {
        if (PasswordProblem(password) is { } problem)
        {
            return problem;
        }

        return await users.SetPasswordAsync(userId, hasher.HashPassword(null!, password!), cancellationToken)
            ? null
            : "That account no longer exists.";
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{3,32}\z")]
    private static partial Regex UsernamePattern();
}

public enum RegisterStatus
{
    Created,
    Invalid,
    Taken,
}

public sealed record RegisterResult(RegisterStatus Status, AppUser? User, string? Problem);

public sealed record LoginResult(AppUser? User, TimeSpan? RetryAfter)
{
    public static readonly LoginResult Invalid = new(null, null);

    public bool Succeeded => User is not null;

    public bool LockedOut => RetryAfter is not null;

    public static LoginResult Ok(AppUser user) => new(user, null);

    public static LoginResult Locked(TimeSpan retryAfter) => new(null, retryAfter);
}
