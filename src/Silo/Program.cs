using FaceMask.Silo;

// Settings live beside the binary: a worker may be started from any working directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddFaceMaskSilo();
builder.Build().Run();
