using Pmm.Load;

// Run by ./pmm fuzz and ./pmm probe, which start a private Azurite and a local host on a free loopback port,
// then pass its address, its process id (for RSS) and its log file (for stack traces of 5xx).
//   fuzz [count] [seed] [--replay N[,M...]] [--concurrency N] [--timeout SECONDS] [--minutes M]
//   probe
var options = LoadOptions.Parse(args, Console.Error);
if (options is null)
{
    Console.Error.WriteLine("usage: Pmm.Load fuzz [count] [seed] [--replay N[,M...]] [--concurrency N] [--timeout S] [--minutes M] | probe  (with --base URL --host-pid PID --host-log FILE --repo DIR)");
    return 2;
}

using var target = LoadTarget.Create(options);
var setUp = await target.SetUpAsync(Console.Out);
if (setUp is null)
{
    return 1;
}

return options.Command == LoadOptions.FuzzCommand
    ? await FuzzRun.RunAsync(target, setUp, options, Console.Out)
    : await Probe.RunAsync(target, setUp, Console.Out);
