using FaceMask.WebFront.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.WebFront.Accounts;

public sealed class PasswordModel(AccountService accounts, IUserStore users) : PageModel
{
    [BindProperty]
    public string? Current { get; set; }

    [BindProperty]
    public string? Replacement { get; set; }

    [BindProperty]
    public string? Confirm { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var userId = UserClaims.IdOf(User)!.Value;
        Error = Replacement != Confirm
            ? "The two new passwords differ."
            : await accounts.ChangePasswordAsync(userId, Current, Replacement, HttpContext.RequestAborted);
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        // The new security stamp ends every other session; this one gets a fresh cookie.
        await SessionCookie.IssueAsync(HttpContext, (await users.FindByIdAsync(userId, HttpContext.RequestAborted))!);
        TempData["Message"] = "Your password is changed. Other sessions are logged out.";
        return Redirect("/upload");
    }
}
