using System.Globalization;

namespace Pmm.Load;

/// <summary>The command line of the load tool; the ./pmm script fills in where the host is.</summary>
sealed record LoadOptions(
    string Command,
    Uri BaseAddress,
    int HostPid,
    string? HostLog,
    string RepositoryRoot,
    int Count,
    int Seed,
    IReadOnlyList<int> Replay,
    int Concurrency,
    TimeSpan RequestTimeout,
    TimeSpan Budget,
    TimeSpan? Poll = null,
    string? AzuriteLog = null)
{
    public const string FuzzCommand = "fuzz";
    public const string ProbeCommand = "probe";
    public const string LoadCommand = "load";

    /// <summary>Every Member of the embedded Members set uploads once.</summary>
    public const int DefaultMembers = 181;
    public const int DefaultLoadConcurrency = 50;

    /// <summary>How often a well-behaved client reads a submission's status when the answer names no Retry-After.</summary>
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromSeconds(0.5);

    /// <summary><c>--poll aggressive</c>: many browser tabs refreshing, every 50 ms, ignoring Retry-After.</summary>
    public const string AggressivePoll = "aggressive";

    public static readonly TimeSpan AggressiveInterval = TimeSpan.FromSeconds(0.05);

    /// <summary>The load run's polling ignores Retry-After (aggressive mode).</summary>
    public bool IsAggressive => Command == LoadCommand && Poll is null;

    /// <summary>Fixed so that two runs without a seed send the same requests.</summary>
    public const int DefaultSeed = 20261203;
    public const int DefaultCount = 10_000;

    public static LoadOptions? Parse(string[] args, TextWriter errors)
    {
        var positional = new List<string>();
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                named[args[i][2..]] = args[++i];
            }
            else
            {
                positional.Add(args[i]);
            }
        }

        var command = positional.ElementAtOrDefault(0);
        if (command is not (FuzzCommand or ProbeCommand or LoadCommand) || !named.TryGetValue("base", out var baseUrl) || !named.TryGetValue("host-pid", out var pid))
        {
            return null;
        }

        try
        {
            if (command == LoadCommand)
            {
                var poll = named.GetValueOrDefault("poll");
                return new LoadOptions(
                    command,
                    new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/"),
                    Int(pid),
                    named.GetValueOrDefault("host-log"),
                    named.GetValueOrDefault("repo") ?? Directory.GetCurrentDirectory(),
                    positional.Count > 1 ? Int(positional[1]) : DefaultMembers,
                    DefaultSeed,
                    [],
                    positional.Count > 2 ? Math.Clamp(Int(positional[2]), 1, 500) : DefaultLoadConcurrency,
                    TimeSpan.FromSeconds(named.TryGetValue("timeout", out var lt) ? Int(lt) : 300),
                    TimeSpan.FromMinutes(30),
                    poll is null ? DefaultPoll : poll == AggressivePoll ? null : TimeSpan.FromSeconds(double.Parse(poll, NumberStyles.Float, CultureInfo.InvariantCulture)),
                    named.GetValueOrDefault("azurite-log"));
            }

            return new LoadOptions(
                command,
                new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/"),
                Int(pid),
                named.GetValueOrDefault("host-log"),
                named.GetValueOrDefault("repo") ?? Directory.GetCurrentDirectory(),
                positional.Count > 1 ? Int(positional[1]) : DefaultCount,
                positional.Count > 2 ? Int(positional[2]) : DefaultSeed,
                named.TryGetValue("replay", out var replay) ? [.. replay.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Int)] : [],
                named.TryGetValue("concurrency", out var c) ? Math.Clamp(Int(c), 1, 32) : 4,
                TimeSpan.FromSeconds(named.TryGetValue("timeout", out var t) ? Int(t) : 120),
                TimeSpan.FromMinutes(named.TryGetValue("minutes", out var m) ? Int(m) : 120));
        }
        catch (FormatException ex)
        {
            errors.WriteLine(ex.Message);
            return null;
        }
    }

    static int Int(string s) => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
