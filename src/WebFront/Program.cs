using FaceMask.WebFront;
using FaceMask.WebFront.Accounts;
using FaceMask.WebFront.Api;
using FaceMask.WebFront.Cluster;
using FaceMask.WebFront.Detection;
using FaceMask.WebFront.Images;
using FaceMask.WebFront.Manager;
using FaceMask.WebFront.Storage;
using FaceMask.WebFront.Uploads;
using Orleans.Dashboard;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddFaceMaskStorage();
builder.AddFaceMaskCluster();
builder.Services.AddPhotoUploads(builder.Configuration);
builder.Services.AddFaceMaskSite();

var app = builder.Build();
app.UseFaceMaskErrorHandling();
app.UseMiddleware<RequestSizeGuard>();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.UseSiteAssets();
app.MapRazorPages();
app.MapHealth();
app.MapCpuTest();
app.MapAccountApi();
app.MapUploadApi();
app.MapImageFiles();
app.MapManagerApi();
app.MapScalingApi();
app.MapManagerCharts();
app.MapOrleansDashboard(routePrefix: "/dashboard").RequireAuthorization(UserClaims.AdminPolicy);
app.Run();

/// <summary>Entry point; public so integration tests can name it.</summary>
public partial class Program;
