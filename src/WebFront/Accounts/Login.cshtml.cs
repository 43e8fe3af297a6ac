using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.WebFront.Accounts;

public sealed class LoginModel(AccountService accounts) : PageModel
{
    [BindProperty]
    public string? Username { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var result = await accounts.AuthenticateAsync(Username, Password, HttpContext.RequestAborted);
        if (result.LockedOut)
        {
            var seconds = Math.Ceiling(result.RetryAfter!.Value.TotalSeconds);
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Error = $"Too many failed logins for this user name. Try again in {seconds} seconds.";
            return Page();
        }

        if (!result.Succeeded)
        {
            Error = "Wrong user name or password.";
            return Page();
        }

        await SessionCookie.IssueAsync(HttpContext, result.User!);
        return LocalRedirect(SessionCookie.Destination(ReturnUrl, Url));
    }
}
