using Microsoft.AspNetCore.Diagnostics;

namespace FaceMask.WebFront.Api;

public static class ApiErrorHandling
{
    /// <summary>
    /// Failures and bare status codes answer in the API's JSON error shape under /api and with the
    /// site's error page elsewhere. Clients never see a stack trace; the log keeps it.
    /// </summary>
    public static IApplicationBuilder UseFaceMaskErrorHandling(this WebApplication app)
    {
        app.UseWhen(IsApi, api =>
        {
            api.UseExceptionHandler(new ExceptionHandlerOptions
            {
                StatusCodeSelector = StatusOf,
                ExceptionHandler = async context =>
                {
                    var status = StatusOf(context.Features.Get<IExceptionHandlerFeature>()?.Error);
                    context.Response.StatusCode = status;
                    await ApiResults.Error(status, MessageOf(status)).ExecuteAsync(context);
                },
            });
            api.UseStatusCodePages(async status =>
            {
                var code = status.HttpContext.Response.StatusCode;
                await ApiResults.Error(code, MessageOf(code)).ExecuteAsync(status.HttpContext);
            });
        });
        app.UseWhen(context => !IsApi(context), site =>
        {
            site.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = "/error", StatusCodeSelector = StatusOf });
            site.UseStatusCodePagesWithReExecute("/error/{0}");
        });
        return app;
    }

    private static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/api");

    private static int StatusOf(Exception? error) =>
        error is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;

    private static string MessageOf(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "Payload Too Large - the request body exceeds the upload limit",
        StatusCodes.Status500InternalServerError => "Internal Server Error - the request failed; it has been logged",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error",
    };
}
