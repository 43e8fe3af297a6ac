using FaceMask.Silo;
using FaceMask.Silo.Database;
using FaceMask.Silo.Simulate;

// Commands that run and exit before any silo starts: `db init` and `simulate …`.
if (args is ["db", .. var dbArgs])
{
    return await DatabaseCommand.RunAsync(dbArgs);
}

if (SimulateCommand.Matches(args))
{
    return SimulateCommand.Run(args[1..], Console.Out, Console.Error);
}

// Settings live beside the binary: a worker may be started from any working directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddFaceMaskSilo();
builder.Build().Run();
return 0;
