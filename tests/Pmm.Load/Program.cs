using Pmm.Load;

// Run by ./pmm fuzz and ./pmm probe, which start a private Azurite and a local host on a free loopback port,
// then pass its address, its process id (for RSS) and its log file (for stack traces of 5xx).
//   fuzz [count] [seed] [--replay N[,M...]] [--concurrency N] [--timeout SECONDS] [--minutes M]
//   probe
//   load [members] [concurrency] [--poll SECONDS|aggressive] [--timeout SECONDS] [--azurite-log FILE]
var options = LoadOptions.Parse(args, Console.Error);
if (options is null)
{
    Console.Error.WriteLine("usage: Pmm.Load fuzz [count] [seed] [--replay N[,M...]] [--concurrency N] [--timeout S] [--minutes M] | probe | load [members] [concurrency] [--poll S|aggressive] [--azurite-log FILE]  (with --base URL --host-pid PID --host-log FILE --repo DIR)");
    return 2;
}

using var target = LoadTarget.Create(options);
var setUp = options.Command == LoadOptions.LoadCommand
    ? await target.SetUpAsync(Console.Out, LoadRun.CycleId)
    : await target.SetUpAsync(Console.Out, "fuzz", "fuzz-deadline", "fuzz-close");
if (setUp is null)
{
    return 1;
}

return options.Command switch
{
    LoadOptions.FuzzCommand => await FuzzRun.RunAsync(target, setUp, options, Console.Out),
    LoadOptions.LoadCommand => await LoadRun.RunAsync(target, setUp, options, Console.Out),
    _ => await Probe.RunAsync(target, setUp, Console.Out),
};
