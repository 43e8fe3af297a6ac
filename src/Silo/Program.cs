using FaceMask.Silo;
using FaceMask.Silo.Simulate;

// `simulate …` runs the scaling simulator and exits; no silo starts.
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
