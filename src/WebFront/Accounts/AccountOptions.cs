using System.ComponentModel.DataAnnotations;

namespace FaceMask.WebFront.Accounts;

/// <summary>Failed-login throttling ("Accounts" section).</summary>
public sealed class AccountOptions
{
    public const string Section = "Accounts";

    [Range(1, 100)]
    public int MaxFailedLogins { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The first administrator, created at start-up when missing ("Admin" section).</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    public string? Username { get; set; }

    public string? Password { get; set; }
}
