using FaceMask.LoadGen.Cli;

// Ctrl+C stops scheduling new requests; the run then waits for those in flight and still prints its summary.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

return await Commands.MainAsync(args, Console.Out, Console.Error, stop.Token);
