using FaceMask.WebFront.Accounts;
using FaceMask.WebFront.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.WebFront.Images;

/// <summary>The user's uploads in four groups, newest first: an overview, or one group page by page.</summary>
public sealed class HistoryModel(IImageStore images) : PageModel
{
    public const int OverviewSize = 8;
    public const int PageSize = 24;

    public ImageCategory? Category { get; private set; }

    public IReadOnlyDictionary<ImageCategory, int> Counts { get; private set; } = new Dictionary<ImageCategory, int>();

    public Dictionary<ImageCategory, IReadOnlyList<StoredImage>> Groups { get; } = [];

    public IReadOnlyList<StoredImage> Items { get; private set; } = [];

    public int PageNumber { get; private set; } = 1;

    public int PageCount { get; private set; } = 1;

    public async Task<IActionResult> OnGetAsync(string? category, [FromQuery] int page = 1)
    {
        var userId = UserClaims.IdOf(User)!.Value;
        var cancel = HttpContext.RequestAborted;
        Counts = await images.CountAsync(userId, cancel);
        if (category is null)
        {
            foreach (var group in ImageCategories.All)
            {
                Groups[group] = await images.ListAsync(userId, group, 0, OverviewSize, cancel);
            }

            return Page();
        }

        if (!ImageCategories.TryParse(category, out var chosen))
        {
            return NotFound();
        }

        Category = chosen;
        PageCount = Math.Max(1, (Counts[chosen] + PageSize - 1) / PageSize);
        PageNumber = Math.Clamp(page, 1, PageCount);
        Items = await images.ListAsync(userId, chosen, (PageNumber - 1) * PageSize, PageSize, cancel);
        return Page();
    }
}
