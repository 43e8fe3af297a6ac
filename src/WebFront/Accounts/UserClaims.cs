using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using FaceMask.WebFront.Storage;

namespace FaceMask.WebFront.Accounts;

/// <summary>What the sign-in cookie says about a user, and how to read it back.</summary>
public static class UserClaims
{
    public const string AdminRole = "admin";
    public const string AdminPolicy = "admin";

    /// <summary>Changes with the password: a cookie with an old stamp is refused.</summary>
    public const string StampType = "facemask:stamp";

    public static ClaimsPrincipal Principal(AppUser user, string scheme)
    {
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.Username),
            new(StampType, user.SecurityStamp),
        ];
        if (user.IsAdmin)
        {
            claims.Add(new Claim(ClaimTypes.Role, AdminRole));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    public static long? IdOf(ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true
        && long.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), CultureInfo.InvariantCulture, out var id)
            ? id
            : null;

    /// <summary>User name and password from an HTTP Basic <c>Authorization</c> header, if one is there.</summary>
    public static (string Username, string Password)? BasicCredentials(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 ? (decoded[..colon], decoded[(colon + 1)..]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
