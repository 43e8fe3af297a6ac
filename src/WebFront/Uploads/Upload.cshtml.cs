using FaceMask.WebFront.Accounts;
using FaceMask.WebFront.Detection;
using FaceMask.WebFront.Images;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.WebFront.Uploads;

public sealed class UploadModel(UploadService uploads) : PageModel
{
    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var photo = await PhotoForm.ReadPhotoAsync(Request.Form, HttpContext.RequestAborted);
        if (!photo.Succeeded)
        {
            return Failed(photo.Status, photo.Message!);
        }

        var result = await uploads.UploadAsync(UserClaims.IdOf(User)!.Value, photo, HttpContext.RequestAborted);
        return result.Image is { } image ? Redirect(ImageLinks.Page(image)) : Failed(result.Status, result.Message!);
    }

    private PageResult Failed(int status, string message)
    {
        Response.StatusCode = status;
        Error = message;
        return Page();
    }
}
