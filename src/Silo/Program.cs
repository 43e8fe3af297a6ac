using FaceMask.Silo;
using FaceMask.Silo.Database;

if (args is ["db", .. var dbArgs]) { return await DatabaseCommand.RunAsync(dbArgs); }

// Settings live beside the binary: a worker may be started from any working directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddFaceMaskSilo();
builder.Build().Run();
return 0;
