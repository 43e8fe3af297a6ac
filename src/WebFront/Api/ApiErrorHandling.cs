using Microsoft.AspNetCore.Diagnostics;

namespace FaceMask.WebFront.Api;

public static class ApiErrorHandling
{
    /// <summary>
    /// Unhandled failures and bare status codes are re-executed on <c>/error/{code}</c>, which answers in
    /// the API's JSON error shape for /api requests and with the site's error page otherwise
    /// (<see cref="ErrorModel"/>). Clients never see a stack trace; the log keeps it.
    /// </summary>
    public static IApplicationBuilder UseFaceMaskErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/error",
            // A body that cannot be read (cut-off or malformed multipart) is the client's error.
            StatusCodeSelector = error => error switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                InvalidDataException => StatusCodes.Status400BadRequest,
                // No worker answers (the pool is stopped or restarting): unavailable, not broken.
                SiloUnavailableException or OrleansMessageRejectionException or TimeoutException
                    or Orleans.Runtime.Messaging.ConnectionFailedException => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        return app;
    }

    public static bool IsApiPath(PathString path) => path.StartsWithSegments("/api");

    public static string MessageOf(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "Payload Too Large - the request body exceeds the upload limit",
        StatusCodes.Status500InternalServerError => "Internal Server Error - the request failed; it has been logged",
        StatusCodes.Status503ServiceUnavailable => "Service Unavailable - no worker answered; try again shortly",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error",
    };
}
