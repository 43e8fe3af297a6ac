using FaceMask.WebFront.Api;
using FaceMask.WebFront.Detection;
using Microsoft.Extensions.Options;

namespace FaceMask.WebFront.Accounts;

public static class AccountApi
{
    /// <summary><c>POST /api/register</c> (form: username, password), as the course's tests call it.</summary>
    public static IEndpointRouteBuilder MapAccountApi(this IEndpointRouteBuilder app)
    {
        // Credentials travel in the form and no cookie is read: nothing for antiforgery to protect.
        app.MapPost("/api/register", RegisterAsync).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> RegisterAsync(HttpRequest request, AccountService accounts, IOptions<UploadLimits> limits)
    {
        var form = await PhotoForm.ReadFormAsync(request, limits.Value.MaxRequestBytes, "Bad Request - Send username and password as form fields");
        if (form.Form is null)
        {
            return ApiResults.Error(form.Status, form.Message!);
        }

        var (username, usernameProblem) = FormFields.Single(form.Form, "username");
        var (password, passwordProblem) = FormFields.Single(form.Form, "password");
        if ((usernameProblem ?? passwordProblem) is { } missing)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, missing);
        }

        var result = await accounts.RegisterAsync(username, password, cancellationToken: request.HttpContext.RequestAborted);
        return result.Status switch
        {
            RegisterStatus.Created => ApiResults.Ok(new RegisteredUser(result.User!.Username)),
            RegisterStatus.Taken => ApiResults.Error(StatusCodes.Status409Conflict, "Conflict - " + result.Problem),
            _ => ApiResults.Error(StatusCodes.Status400BadRequest, "Bad Request - " + result.Problem),
        };
    }

    private sealed record RegisteredUser([property: System.Text.Json.Serialization.JsonPropertyName("username")] string Username);
}
