using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.WebFront.Accounts;

public sealed class RegisterModel(AccountService accounts) : PageModel
{
    [BindProperty]
    public string? Username { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? Confirm { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Password != Confirm)
        {
            Error = "The two passwords differ.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var result = await accounts.RegisterAsync(Username, Password, cancellationToken: HttpContext.RequestAborted);
        if (result.Status != RegisterStatus.Created)
        {
            Error = result.Problem;
            Response.StatusCode = result.Status == RegisterStatus.Taken ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
            return Page();
        }

        await SessionCookie.IssueAsync(HttpContext, result.User!);
        TempData["Message"] = $"Welcome, {result.User!.Username}. Upload your first photo.";
        return Redirect("/upload");
    }
}
