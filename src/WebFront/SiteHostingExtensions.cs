using FaceMask.WebFront.Accounts;
using FaceMask.WebFront.Admin;
using FaceMask.WebFront.Uploads;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace FaceMask.WebFront;

public static class SiteHostingExtensions
{
    /// <summary>The user site: pages (signed-in users; Admin/ for administrators) and their services.</summary>
    public static IServiceCollection AddFaceMaskSite(this IServiceCollection services)
    {
        services.AddFaceMaskAccounts();
        services.AddSingleton<UploadService>();
        services.AddSingleton<UserDeletion>();
        services.AddRazorPages(o =>
        {
            // Feature folders at the project root (Accounts/, Uploads/, Images/, Admin/) hold the pages.
            o.RootDirectory = "/";
            o.Conventions.AuthorizeFolder("/Uploads");
            o.Conventions.AuthorizeFolder("/Images");
            o.Conventions.AuthorizePage("/Accounts/Password");
            o.Conventions.AuthorizeFolder("/Admin", UserClaims.AdminPolicy);
            o.Conventions.AuthorizeFolder("/Manager", UserClaims.AdminPolicy);
        });
        services.AddAntiforgery(o => o.Cookie.Name = "facemask.antiforgery");
        return services;
    }

    /// <summary>
    /// Stylesheet and script are embedded in the assembly, so the site looks the same whatever the working
    /// directory or environment. Links carry a content hash (asp-append-version), so they cache for long.
    /// </summary>
    public static WebApplication UseSiteAssets(this WebApplication app)
    {
        app.Environment.WebRootFileProvider = new EmbeddedFileProvider(typeof(SiteHostingExtensions).Assembly, "FaceMask.WebFront.wwwroot");
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                var versioned = context.Context.Request.Query.ContainsKey("v");
                context.Context.Response.Headers.CacheControl = versioned ? "public, max-age=31536000, immutable" : "no-cache";
            },
        });
        return app;
    }
}
