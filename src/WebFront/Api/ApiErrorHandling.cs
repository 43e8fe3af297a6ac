using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace FaceMask.WebFront.Api;

public static class ApiErrorHandling
{
    /// <summary>
    /// Unhandled failures answer in the API's JSON error shape with a generic message: the client never
    /// sees a stack trace, the log keeps it.
    /// </summary>
    public static IApplicationBuilder UseApiErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler(handler => handler.Run(async context =>
        {
            var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            var (status, message) = error switch
            {
                BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                    (StatusCodes.Status413PayloadTooLarge, "Payload Too Large - the request body exceeds the upload limit"),
                BadHttpRequestException bad => (bad.StatusCode, "Bad Request - the request could not be read"),
                _ => (StatusCodes.Status500InternalServerError, "Internal Server Error - the request failed; it has been logged"),
            };
            context.Response.StatusCode = status;
            await ApiResults.Error(status, message).ExecuteAsync(context);
        }));
        app.UseStatusCodePages(async status =>
        {
            var context = status.HttpContext;
            if (context.Request.Path.StartsWithSegments("/api") && !context.Response.HasStarted
                && context.Features.Get<IHttpResponseBodyFeature>() is not null)
            {
                var code = context.Response.StatusCode;
                await ApiResults.Error(code, ReasonPhrase(code)).ExecuteAsync(context);
            }
        });
        return app;
    }

    private static string ReasonPhrase(int code) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(code) is { Length: > 0 } phrase ? phrase : "Error";
}
