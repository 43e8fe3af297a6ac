using FaceMask.WebFront.Api;
using FaceMask.WebFront.Cluster;
using FaceMask.WebFront.Detection;

var builder = WebApplication.CreateBuilder(args);
builder.AddFaceMaskCluster();
builder.Services.AddPhotoUploads(builder.Configuration);

var app = builder.Build();
app.UseApiErrorHandling();
app.MapHealth();
app.MapCpuTest();
app.Run();

/// <summary>Entry point; public so integration tests can name it.</summary>
public partial class Program;
