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
    TimeSpan Budget)
{
    public const string FuzzCommand = "fuzz";
    public const string ProbeCommand = "probe";

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
        if (command is not (FuzzCommand or ProbeCommand) || !named.TryGetValue("base", out var baseUrl) || !named.TryGetValue("host-pid", out var pid))
        {
            return null;
        }

        try
        {
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
