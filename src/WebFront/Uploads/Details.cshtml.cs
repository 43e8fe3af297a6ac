using FaceMask.WebFront.Accounts;
using FaceMask.WebFront.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.WebFront.Uploads;

/// <summary>One upload's result. Another user's upload is "not found", exactly like a missing one.</summary>
public sealed class DetailsModel(IImageStore images, UploadService uploads) : PageModel
{
    public StoredImage? Image { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id)
    {
        Image = await images.FindAsync(UserClaims.IdOf(User)!.Value, id, HttpContext.RequestAborted);
        return Image is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string id)
    {
        if (!await uploads.DeleteAsync(UserClaims.IdOf(User)!.Value, id, HttpContext.RequestAborted))
        {
            return NotFound();
        }

        TempData["Message"] = "The upload is deleted.";
        return Redirect("/history");
    }
}
