using FaceMask.WebFront.Accounts;
using FaceMask.WebFront.Admin;
using FaceMask.WebFront.Uploads;

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
        });
        services.AddAntiforgery(o => o.Cookie.Name = "facemask.antiforgery");
        return services;
    }
}
