using FaceMask.WebFront.Accounts;
using FaceMask.WebFront.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.WebFront.Admin;

public sealed class UsersModel(IUserStore users, AccountService accounts, UserDeletion deletion) : PageModel
{
    public IReadOnlyList<UserSummary> Users { get; private set; } = [];

    public long CurrentUserId => UserClaims.IdOf(User)!.Value;

    public string? Error { get; private set; }

    public async Task OnGetAsync() => Users = await users.ListAsync(HttpContext.RequestAborted);

    public async Task<IActionResult> OnPostCreateAsync(string? username, string? password, bool admin)
    {
        var result = await accounts.RegisterAsync(username, password, admin, HttpContext.RequestAborted);
        if (result.Status != RegisterStatus.Created)
        {
            return await FailedAsync(result.Status == RegisterStatus.Taken ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest, result.Problem!);
        }

        TempData["Message"] = $"Created {(admin ? "administrator" : "user")} {result.User!.Username}.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostResetAsync(long id, string? password)
    {
        if (await accounts.SetPasswordAsync(id, password, HttpContext.RequestAborted) is { } problem)
        {
            return await FailedAsync(StatusCodes.Status400BadRequest, problem);
        }

        TempData["Message"] = "The password is reset; that user's sessions are logged out.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, string? confirm)
    {
        if (id == CurrentUserId)
        {
            return await FailedAsync(StatusCodes.Status400BadRequest, "You cannot delete your own account here.");
        }

        if (confirm != "yes")
        {
            return await FailedAsync(StatusCodes.Status400BadRequest, "Confirm the deletion.");
        }

        var deleted = await deletion.DeleteAsync(id, HttpContext.RequestAborted);
        if (deleted is null)
        {
            return await FailedAsync(StatusCodes.Status404NotFound, "That user does not exist.");
        }

        TempData["Message"] = $"Deleted {deleted} and all of their uploads.";
        return RedirectToPage();
    }

    private async Task<IActionResult> FailedAsync(int status, string message)
    {
        Response.StatusCode = status;
        Error = message;
        Users = await users.ListAsync(HttpContext.RequestAborted);
        return Page();
    }
}
