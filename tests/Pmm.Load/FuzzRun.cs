using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pmm.Load;

/// <summary>Sends a fuzz run's requests with bounded concurrency and time, then prints totals and every failure.</summary>
static partial class FuzzRun
{
    sealed record Result(int Index, string? Description, string Class, string Operation, Outcome Outcome);

    public static async Task<int> RunAsync(LoadTarget target, SetUp setUp, LoadOptions options, TextWriter output)
    {
        var plan = new FuzzPlan(setUp, target.Tokens, options.Seed);
        var indices = options.Replay.Count > 0 ? options.Replay.ToArray() : Enumerable.Range(0, options.Count).ToArray();
        output.WriteLine($"Fuzz: {indices.Length} requests, seed {options.Seed}, concurrency {options.Concurrency}, timeout {options.RequestTimeout.TotalSeconds:0} s per request, at most {options.Budget.TotalMinutes:0} min");
        var results = new ConcurrentBag<Result>();
        var clock = Stopwatch.StartNew();
        var next = -1;
        var done = 0;
        var stopReason = (string?)null;
        var startRss = target.Host.RssKb;
        target.Host.ResetPeak();

        async Task Worker()
        {
            int slot;
            while ((slot = Interlocked.Increment(ref next)) < indices.Length)
            {
                if (clock.Elapsed > options.Budget)
                {
                    stopReason ??= $"time budget of {options.Budget.TotalMinutes:0} min reached";
                    return;
                }

                if (!target.Host.IsAlive)
                {
                    stopReason ??= "the host process is gone";
                    return;
                }

                var index = indices[slot];
                LoadRequest request;
                try
                {
                    request = plan.Plan(index);
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or IndexOutOfRangeException or JsonException or NotSupportedException)
                {
                    results.Add(new Result(index, null, "plan", ex.GetType().Name, new Outcome(-1, "could not build the request: " + ex.Message, 0, 0, "")));
                    continue;
                }

                var outcome = await target.SendAsync(request, options.RequestTimeout);
                results.Add(new Result(index, request.Describe() + BodyExcerpt(request), request.Class, request.Operation, outcome));
                var count = Interlocked.Increment(ref done);
                if (count % 250 == 0)
                {
                    output.WriteLine($"  {count} sent, {clock.Elapsed.TotalSeconds:0} s, host RSS {HostProcess.Mb(target.Host.RssKb)}");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(Worker)));
        var elapsed = clock.Elapsed;
        var verdicts = await WaitForVerdictsAsync(target, setUp, output);
        Report(output, results.OrderBy(r => r.Index).ToList(), elapsed, stopReason, startRss, target, options, verdicts);
        var failed = results.Count(r => r.Outcome.IsServerError) + (stopReason is null ? 0 : 1) + verdicts.SystemFailures;
        return failed == 0 ? 0 : 1;
    }

    sealed record Verdicts(IReadOnlyDictionary<string, int> ByStatus, int SystemFailures, IReadOnlyList<string> HostErrors);

    /// <summary>Uploads are validated in the background: wait (bounded) until each has a verdict, and count what the host logged as failed.</summary>
    static async Task<Verdicts> WaitForVerdictsAsync(LoadTarget target, SetUp setUp, TextWriter output)
    {
        var byStatus = new Dictionary<string, int>(StringComparer.Ordinal);
        var until = Stopwatch.StartNew();
        while (until.Elapsed < TimeSpan.FromSeconds(300))
        {
            var list = await target.SendAsync(new LoadRequest("verdicts", "list", HttpMethod.Get, Api.MemberPath(setUp.CycleId, LoadTarget.Member, Api.Submissions), "Bearer " + target.Tokens.Staff, null, null), TimeSpan.FromSeconds(60));
            if (list.Status != 200 || list.ResponseBytes > list.Excerpt.Length)
            {
                output.WriteLine($"  (could not list the uploads: {list.Status} {list.Failure})");
                break;
            }

            byStatus.Clear();
            using (var doc = JsonDocument.Parse(list.Excerpt))
            {
                foreach (var s in doc.RootElement.EnumerateArray())
                {
                    var status = s.GetProperty("status").GetString() ?? "?";
                    byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
                }
            }

            if (!byStatus.ContainsKey("received") && !byStatus.ContainsKey("validating"))
            {
                break;
            }

            await Task.Delay(1000);
        }

        var log = target.Options.HostLog is { } path && File.Exists(path) ? File.ReadAllLines(path) : [];
        return new Verdicts(byStatus, log.Count(l => l.Contains("Validation of", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal)), [.. log.Where(l => l.StartsWith("fail:", StringComparison.Ordinal))]);
    }

    static void Report(TextWriter o, List<Result> results, TimeSpan elapsed, string? stopReason, long startRss, LoadTarget target, LoadOptions options, Verdicts verdicts)
    {
        o.WriteLine();
        o.WriteLine($"== Fuzz totals: {results.Count} requests in {elapsed.TotalSeconds:0.0} s (seed {options.Seed}){(stopReason is null ? "" : $"; STOPPED EARLY: {stopReason}")}");
        o.WriteLine($"{"class",-14} {"n",6} {"2xx",6} {"4xx",6} {"5xx",5} {"drop",5} {"p50 ms",8} {"p95 ms",8} {"max ms",9}  status codes");
        foreach (var group in results.GroupBy(r => r.Class).OrderBy(g => g.Key, StringComparer.Ordinal).Append(null))
        {
            var rows = group?.ToList() ?? results;
            var ms = rows.Select(r => r.Outcome.Milliseconds).Order().ToArray();
            var codes = string.Join(" ", rows.GroupBy(r => r.Outcome.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key <= 0 ? "failed" : g.Key.ToString(CultureInfo.InvariantCulture))}x{g.Count()}"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{group?.Key ?? "ALL",-14} {rows.Count,6} {rows.Count(r => r.Outcome.Status is >= 200 and < 300),6} {rows.Count(r => r.Outcome.Status is >= 400 and < 500),6} {rows.Count(r => r.Outcome.Status >= 500),5} {rows.Count(r => r.Outcome.Failure is not null),5} {Percentile(ms, 0.50),8:0} {Percentile(ms, 0.95),8:0} {(ms.Length == 0 ? 0 : ms[^1]),9:0}  {codes}"));
        }

        var failures = results.Where(r => r.Outcome.IsServerError).ToList();
        o.WriteLine();
        o.WriteLine($"5xx and dropped connections: {failures.Count} (replay one with: ./pmm fuzz 1 {options.Seed} --replay N)");
        foreach (var f in failures.GroupBy(f => (f.Class, f.Operation)).OrderByDescending(g => g.Count()))
        {
            o.WriteLine($"  {f.Key.Class}/{f.Key.Operation}: {f.Count()}  (N = {string.Join(",", f.Select(x => x.Index))})");
        }

        foreach (var f in failures.Take(60))
        {
            o.WriteLine($"  #{f.Index} {f.Description ?? f.Operation} -> {(f.Outcome.Status > 0 ? f.Outcome.Status.ToString(CultureInfo.InvariantCulture) : "")}{f.Outcome.Failure} {Code(f.Outcome.Excerpt)}");
        }

        if (failures.Count > 60)
        {
            o.WriteLine($"  ... {failures.Count - 60} more");
        }

        var leaks = results.Where(r => r.Outcome.Status is >= 200 and < 500 && ExceptionText().IsMatch(r.Outcome.Excerpt)).ToList();
        o.WriteLine();
        o.WriteLine($"Answers carrying an exception message: {leaks.Count}");
        foreach (var l in leaks.Take(20))
        {
            var m = ExceptionText().Match(l.Outcome.Excerpt);
            var from = Math.Max(0, m.Index - 80);
            o.WriteLine($"  #{l.Index} {l.Description} -> {l.Outcome.Status}: ...{l.Outcome.Excerpt[from..Math.Min(l.Outcome.Excerpt.Length, m.Index + m.Length + 120)]}...");
        }

        var biggest = results.Where(r => r.Outcome.Failure is null).OrderByDescending(r => r.Outcome.ResponseBytes).Take(3).ToList();
        o.WriteLine();
        o.WriteLine($"Largest answers: {string.Join("; ", biggest.Select(b => $"#{b.Index} {b.Class}/{b.Operation} {FuzzPlan.Format(b.Outcome.ResponseBytes)} B in {b.Outcome.Milliseconds:0} ms"))}");
        var slowest = results.OrderByDescending(r => r.Outcome.Milliseconds).Take(5).ToList();
        o.WriteLine($"Slowest: {string.Join("; ", slowest.Select(s => $"#{s.Index} {s.Class}/{s.Operation} {s.Outcome.Milliseconds:0} ms"))}");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Uploads of {LoadTarget.Member} after the run: {string.Join(", ", verdicts.ByStatus.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}"))}; background validations that failed (PMM-SYS-001): {verdicts.SystemFailures}; error lines in the host log: {verdicts.HostErrors.Count}{(options.HostLog is null ? "" : $" ({options.HostLog})")}"));
        foreach (var e in verdicts.HostErrors.Select(HostError).GroupBy(e => e).OrderByDescending(g => g.Count()).Take(20))
        {
            o.WriteLine($"  {e.Count(),4} x {e.Key}");
        }

        o.WriteLine($"Host RSS: {HostProcess.Mb(startRss)} at start, {HostProcess.Mb(target.Host.SampledPeakKb)} peak sampled during the run, {HostProcess.Mb(target.Host.HighWaterKb)} peak since the host started (VmHWM), {HostProcess.Mb(target.Host.RssKb)} at the end");
    }

    /// <summary>A host log error line ("fail: X Function F failed Type: message    at frame ...") as function, exception and the first frame in PMM code.</summary>
    static string HostError(string line)
    {
        var at = line.IndexOf("    at ", StringComparison.Ordinal);
        var head = at < 0 ? line : line[..at];
        head = head.Length > 220 ? head[..220] + "..." : head;
        var frame = PmmFrame().Match(line);
        return frame.Success ? $"{head} [{frame.Groups[1].Value}]" : head;
    }

    [GeneratedRegex(@"   at (Pmm\.[\w.`<>]+)")]
    private static partial Regex PmmFrame();

    /// <summary>A small body, JSON-escaped, so that a failure can be reproduced by hand from the report.</summary>
    static string BodyExcerpt(LoadRequest r) =>
        r.Body is { Length: > 0 and <= 200 } body ? " body " + JsonSerializer.Serialize(System.Text.Encoding.UTF8.GetString(body)) : "";

    static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    static string Code(string excerpt)
    {
        var m = ProblemCode().Match(excerpt);
        return m.Success ? m.Groups[1].Value : excerpt.Length > 120 ? excerpt[..120] : excerpt;
    }

    [GeneratedRegex("\"code\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex ProblemCode();

    /// <summary>Phrases of .NET exception messages that must never reach a caller.</summary>
    [GeneratedRegex(@"Nullable object must have a value|Object reference not set|Index was outside|Sequence contains|Value cannot be null|Input string was not in a correct format|Specified argument was out of the range|The given key|Exception:|   at [A-Z]\w+\.|Unable to translate|Cannot access a closed|'[^']{0,12}' is an invalid|The JSON value could not be converted")]
    private static partial Regex ExceptionText();
}
