using FaceMask.WebFront.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FaceMask.WebFront.Accounts;

public static class AccountHostingExtensions
{
    public static IServiceCollection AddFaceMaskAccounts(this IServiceCollection services)
    {
        services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section);
        services.AddSingleton<IPasswordHasher<AppUser>, PasswordHasher<AppUser>>();
        services.AddSingleton<AccountService>();
        services.AddHostedService<AdminBootstrap>();

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.AccessDeniedPath = "/denied";
                o.Cookie.Name = "facemask.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = RejectStaleCookieAsync;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(UserClaims.AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(UserClaims.AdminRole));
        return services;
    }

    /// <summary>A cookie outlives neither its user nor a password change (the stamp changes with it).</summary>
    private static async Task RejectStaleCookieAsync(CookieValidatePrincipalContext context)
    {
        var users = context.HttpContext.RequestServices.GetRequiredService<IUserStore>();
        var user = UserClaims.IdOf(context.Principal!) is { } id ? await users.FindByIdAsync(id) : null;
        if (user is null || user.SecurityStamp != context.Principal!.FindFirst(UserClaims.StampType)?.Value)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    /// <summary>Creates the configured first administrator when that account does not exist yet.</summary>
    private sealed class AdminBootstrap(
        IOptions<AdminOptions> options, AccountService accounts, IUserStore users, ILogger<AdminBootstrap> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var (username, password) = (options.Value.Username, options.Value.Password);
            if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
            {
                logger.LogWarning("No Admin:Username / Admin:Password configured: nobody can reach the manager pages until an admin exists");
                return;
            }

            if (await users.FindAsync(username, cancellationToken) is { } existing)
            {
                if (!existing.IsAdmin)
                {
                    logger.LogWarning("Configured admin '{Username}' exists but is not an administrator", username);
                }

                return;
            }

            var result = await accounts.RegisterAsync(username, password, isAdmin: true, cancellationToken);
            if (result.Status == RegisterStatus.Invalid)
            {
                throw new OptionsValidationException(
                    AdminOptions.Section, typeof(AdminOptions), [$"Admin:Username / Admin:Password: {result.Problem}"]);
            }

            logger.LogInformation("Created the administrator '{Username}'", username);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
