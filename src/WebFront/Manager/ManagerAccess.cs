using FaceMask.WebFront.Accounts;
using FaceMask.WebFront.Api;
using FaceMask.WebFront.Storage;

namespace FaceMask.WebFront.Manager;

/// <summary>
/// Who may use the manager API: an administrator signed in with the cookie, or a script sending an
/// administrator's user name and password as HTTP Basic.
/// </summary>
public static class ManagerAccess
{
    /// <summary>Null when allowed; otherwise the 401/403 answer.</summary>
    public static async Task<IResult?> RefuseUnlessAdminAsync(HttpContext context, AccountService accounts, IUserStore users)
    {
        if (context.User.IsInRole(UserClaims.AdminRole))
        {
            return null;
        }

        AppUser? user = null;
        if (UserClaims.IdOf(context.User) is { } id)
        {
            user = await users.FindByIdAsync(id, context.RequestAborted);
        }
        else if (UserClaims.BasicCredentials(context.Request) is var (username, password))
        {
            var login = await accounts.AuthenticateAsync(username, password, context.RequestAborted);
            if (login.LockedOut)
            {
                return ApiResults.Error(StatusCodes.Status429TooManyRequests, "Too Many Requests - Too many failed logins; try again later");
            }

            user = login.User;
        }

        return user switch
        {
            null => ApiResults.Error(StatusCodes.Status401Unauthorized, "Unauthorized - Sign in as an administrator or send HTTP Basic credentials"),
            { IsAdmin: false } => ApiResults.Error(StatusCodes.Status403Forbidden, "Forbidden - Administrators only"),
            _ => null,
        };
    }
}
