using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.WebFront;

/// <summary>The site's page for every error status; never shows exception details.</summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "Something went wrong";

    public string Explanation { get; private set; } = "The request failed. It has been logged; please try again.";

    public void OnGet(int? code) => Describe(code ?? StatusCodes.Status500InternalServerError);

    public void OnPost(int? code) => Describe(code ?? StatusCodes.Status500InternalServerError);

    private void Describe(int code)
    {
        Response.StatusCode = code is >= 400 and < 600 ? code : StatusCodes.Status500InternalServerError;
        (Title, Explanation) = code switch
        {
            StatusCodes.Status400BadRequest => ("Bad request", "The form could not be used. Go back, reload the page and try again."),
            StatusCodes.Status403Forbidden => ("Not allowed", "Your account cannot open this page."),
            StatusCodes.Status404NotFound => ("Not found", "There is nothing here."),
            StatusCodes.Status405MethodNotAllowed => ("Not allowed", "This address does not take that kind of request."),
            StatusCodes.Status413PayloadTooLarge => ("Upload too large", "Photos can be at most 10 MB. Choose a smaller file."),
            StatusCodes.Status429TooManyRequests => ("Too many attempts", "Wait a minute, then try again."),
            _ => (Title, Explanation),
        };
    }
}
