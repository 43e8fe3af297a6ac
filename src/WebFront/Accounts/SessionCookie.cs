using FaceMask.WebFront.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace FaceMask.WebFront.Accounts;

public static class SessionCookie
{
    public static Task IssueAsync(HttpContext context, AppUser user) =>
        context.SignInAsync(
            CookieAuthenticationDefaults.AuthenticationScheme,
            UserClaims.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme));

    /// <summary>Where to go after signing in: the page asked for, if it is on this site.</summary>
    public static string Destination(string? returnUrl, Microsoft.AspNetCore.Mvc.IUrlHelper url) =>
        !string.IsNullOrEmpty(returnUrl) && url.IsLocalUrl(returnUrl) ? returnUrl : "/upload";
}
