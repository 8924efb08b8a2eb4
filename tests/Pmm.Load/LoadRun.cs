using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Pmm.Storage;

namespace Pmm.Load;

/// <summary>
/// The last day before a deadline: distinct Members each upload one valid file (CSV, JSON and Excel in rotation) as
/// their own NCP, then follow its status URL until the verdict, at most <c>concurrency</c> Members at a time. A
/// well-behaved client waits as long as the answer's Retry-After says (else the poll interval); the aggressive mode
/// reads every 50 ms and ignores Retry-After, as many browser tabs refreshing would.
/// </summary>
static class LoadRun
{
    public const string CycleId = "load";

    const string Accepted = "accepted";
    const string Rejected = "rejected";

    /// <summary>What happened to one Member's upload, times in seconds from the start of the burst.</summary>
    sealed record Session(string Member, string Format, Outcome Upload, double Started, double? VerdictAt, string? Verdict, int Polls, int PollsWithRetryAfter, IReadOnlyList<string> Errors)
    {
        public double? VerdictSeconds => VerdictAt - Started;
    }

    sealed record Upload(string Member, string Format, byte[] Body, string ContentType);

    public static async Task<int> RunAsync(LoadTarget target, SetUp setUp, LoadOptions options, TextWriter output)
    {
        var members = MemberCodes(setUp.MembersDocument);
        if (options.Count > members.Count)
        {
            output.WriteLine($"The Members set has {members.Count} Members; cannot load {options.Count} distinct ones.");
            return 2;
        }

        var uploads = await PrepareAsync(target, setUp, members.Take(options.Count).ToList(), output);
        if (uploads is null)
        {
            return 1;
        }

        var storage = options.AzuriteLog is { } log ? new StorageLog(log, Environment.GetEnvironmentVariable("PMM_TASK_HUB") ?? "pmmload") : null;
        var polling = options.IsAggressive
            ? string.Create(CultureInfo.InvariantCulture, $"every {LoadOptions.AggressiveInterval.TotalSeconds} s ignoring Retry-After (aggressive)")
            : string.Create(CultureInfo.InvariantCulture, $"honouring Retry-After, else every {options.Poll!.Value.TotalSeconds} s");
        output.WriteLine($"Load: {uploads.Count} Members ({string.Join(", ", uploads.GroupBy(u => u.Format).Select(g => $"{g.Count()} {g.Key}"))}), concurrency {options.Concurrency}, status polled {polling}; a Member's verdict waits at most {options.RequestTimeout.TotalSeconds:0} s");

        // Idle first, so that the durable backend's own polling can be told from the burst's storage traffic.
        (double PerSecond, StorageCounts Counts)? idle = storage is null ? null : await storage.MeasureIdleAsync(TimeSpan.FromSeconds(5));
        var startRss = target.Host.RssKb;
        target.Host.ResetPeak();
        var burstMark = storage?.Mark();
        var clock = Stopwatch.StartNew();
        var sessions = new ConcurrentBag<Session>();
        var next = -1;
        var done = 0;

        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < uploads.Count)
            {
                sessions.Add(await OneAsync(target, setUp, options, uploads[i], clock));
                var count = Interlocked.Increment(ref done);
                if (count % 50 == 0)
                {
                    output.WriteLine($"  {count} verdicts or give-ups, {clock.Elapsed.TotalSeconds:0.0} s, host RSS {HostProcess.Mb(target.Host.RssKb)}");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(Worker)));
        var burst = storage?.CountSince(burstMark!.Value);
        var peakRss = target.Host.SampledPeakKb;
        var list = sessions.OrderBy(s => s.Started).ToList();
        var errors = Report(output, list, options, startRss, peakRss, target);

        if (storage is not null)
        {
            var accepted = list.Count(s => s.Verdict == Accepted);
            output.WriteLine();
            output.WriteLine($"Storage requests during the burst (Azurite access log): {burst!.Describe(accepted, "per accepted upload")}; the status reads of the clients are among them ({list.Sum(s => s.Polls)} status reads).");
            output.WriteLine($"  while idle before it: {idle!.Value.PerSecond.ToString("0.0", CultureInfo.InvariantCulture)} requests/s ({idle.Value.Counts.Describe(0, "")})");
            errors += await CalibrateAsync(target, setUp, uploads, storage, output);
        }

        return errors == 0 ? 0 : 1;
    }

    static List<string> MemberCodes(byte[] membersDocument)
    {
        using var doc = JsonDocument.Parse(membersDocument);
        return [.. doc.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("code").GetString()!)];
    }

    /// <summary>One valid file per Member: the corpus's good CSV and JSON files in rotation, and the Member's own template filled in.</summary>
    static async Task<List<Upload>?> PrepareAsync(LoadTarget target, SetUp setUp, List<string> members, TextWriter output)
    {
        var csv = setUp.Seeds.Where(s => s.Format == Seed.Csv).ToArray();
        var json = setUp.Seeds.Where(s => s.Format == Seed.Json).ToArray();
        var uploads = new Upload?[members.Count];
        var failed = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, members.Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var member = members[i];
            switch (i % 3)
            {
                case 0:
                    var c = csv[i / 3 % csv.Length];
                    uploads[i] = new Upload(member, Seed.Csv, c.Bytes, c.ContentType);
                    break;
                case 1:
                    var j = json[i / 3 % json.Length];
                    uploads[i] = new Upload(member, Seed.Json, j.Bytes, j.ContentType);
                    break;
                default:
                    var template = await target.GetBytesAsync(Api.MemberPath(setUp.CycleId, member, Api.Template), "Bearer " + target.Tokens.Member(member), output);
                    if (template is null)
                    {
                        Interlocked.Increment(ref failed);
                    }
                    else
                    {
                        uploads[i] = new Upload(member, Seed.Xlsx, Seed.Fill(template), Seed.XlsxType);
                    }

                    break;
            }
        });
        return failed == 0 ? [.. uploads.Select(u => u!)] : null;
    }

    static async Task<Session> OneAsync(LoadTarget target, SetUp setUp, LoadOptions options, Upload u, Stopwatch clock)
    {
        var token = "Bearer " + target.Tokens.Member(u.Member);
        var started = clock.Elapsed.TotalSeconds;
        var errors = new List<string>();
        var upload = await target.SendAsync(new LoadRequest("load", "upload", HttpMethod.Post, Api.MemberPath(setUp.CycleId, u.Member, Api.Submissions), token, u.Body, u.ContentType), TimeSpan.FromSeconds(120));
        if (upload.Status is not (200 or 202))
        {
            errors.Add($"upload {Describe(upload)}");
            return new Session(u.Member, u.Format, upload, started, null, null, 0, 0, errors);
        }

        var (status, url) = Read(upload.Excerpt);
        var polls = 0;
        var withRetryAfter = 0;
        var wait = upload.RetryAfter;
        while (status is not (Accepted or Rejected))
        {
            if (clock.Elapsed.TotalSeconds - started > options.RequestTimeout.TotalSeconds)
            {
                errors.Add($"no verdict after {options.RequestTimeout.TotalSeconds:0} s (last status {status})");
                return new Session(u.Member, u.Format, upload, started, null, null, polls, withRetryAfter, errors);
            }

            await Task.Delay(options.IsAggressive ? LoadOptions.AggressiveInterval : wait ?? options.Poll!.Value);
            var poll = await target.SendAsync(new LoadRequest("load", "status", HttpMethod.Get, url.TrimStart('/'), token, null, null), TimeSpan.FromSeconds(60));
            polls++;
            withRetryAfter += poll.RetryAfter is null ? 0 : 1;
            wait = poll.RetryAfter;
            if (poll.Status != 200)
            {
                errors.Add($"status read {Describe(poll)}");
                continue;
            }

            (status, _) = Read(poll.Excerpt);
        }

        if (status != Accepted)
        {
            errors.Add($"verdict {status} for a valid {u.Format} file");
        }

        return new Session(u.Member, u.Format, upload, started, clock.Elapsed.TotalSeconds, status, polls, withRetryAfter, errors);
    }

    static (string Status, string Url) Read(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return (doc.RootElement.GetProperty("status").GetString()!, doc.RootElement.GetProperty("statusUrl").GetString()!);
    }

    static string Describe(Outcome o) => o.Failure ?? $"{o.Status} {(o.Excerpt.Length > 160 ? o.Excerpt[..160] : o.Excerpt)}";

    static int Report(TextWriter o, List<Session> sessions, LoadOptions options, long startRss, long peakRss, LoadTarget target)
    {
        var uploadMs = sessions.Select(s => s.Upload.Milliseconds / 1000).Order().ToArray();
        var verdictS = sessions.Where(s => s.VerdictSeconds is not null).Select(s => s.VerdictSeconds!.Value).Order().ToArray();
        var first = sessions.Min(s => s.Started);
        var last = sessions.Where(s => s.VerdictAt is not null).Select(s => s.VerdictAt!.Value).DefaultIfEmpty(first).Max();
        var polls = sessions.Sum(s => s.Polls);
        var errors = sessions.SelectMany(s => s.Errors.Select(e => (s.Member, s.Format, Error: e))).ToList();
        o.WriteLine();
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== Load: {sessions.Count} Members, concurrency {options.Concurrency}, {(options.IsAggressive ? "aggressive polling" : "well-behaved polling")}"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"uploads       {string.Join(" ", sessions.GroupBy(s => s.Upload.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "failed" : g.Key.ToString(CultureInfo.InvariantCulture))}x{g.Count()}"))}; answer p50 {P(uploadMs, 0.5):0.00} s, p95 {P(uploadMs, 0.95):0.00} s, max {uploadMs.LastOrDefault():0.00} s"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"verdicts      {string.Join(", ", sessions.GroupBy(s => s.Verdict ?? "none").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}; upload to verdict seen p50 {P(verdictS, 0.5):0.00} s, p95 {P(verdictS, 0.95):0.00} s, max {verdictS.LastOrDefault():0.00} s"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"throughput    {(last > first ? verdictS.Length / (last - first) : 0):0.00} verdicts/s ({verdictS.Length} verdicts in {last - first:0.0} s from the first upload to the last verdict)"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"status reads  {polls} ({(sessions.Count == 0 ? 0 : (double)polls / sessions.Count):0.0} per upload), {sessions.Sum(s => s.PollsWithRetryAfter)} answered with Retry-After"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"errors        {errors.Count} (upload not 2xx or dropped: {errors.Count(e => e.Error.StartsWith("upload", StringComparison.Ordinal))}, status read not 200: {errors.Count(e => e.Error.StartsWith("status", StringComparison.Ordinal))}, no verdict in time: {errors.Count(e => e.Error.StartsWith("no verdict", StringComparison.Ordinal))}, verdict other than accepted: {errors.Count(e => e.Error.StartsWith("verdict", StringComparison.Ordinal))})"));
        foreach (var e in errors.Take(20))
        {
            o.WriteLine($"  {e.Member} ({e.Format}): {e.Error}");
        }

        o.WriteLine($"host RSS      {HostProcess.Mb(startRss)} at start, {HostProcess.Mb(peakRss)} peak sampled during the burst, {HostProcess.Mb(target.Host.HighWaterKb)} since the host started (VmHWM), {HostProcess.Mb(target.Host.RssKb)} at the end");
        return errors.Count;
    }

    /// <summary>
    /// Storage requests per accepted upload without the clients' status reads or the burst's contention: a few
    /// Members send a new version each (other values, every format), one at a time, and nobody reads a status
    /// until every window is counted.
    /// </summary>
    static async Task<int> CalibrateAsync(LoadTarget target, SetUp setUp, List<Upload> uploads, StorageLog storage, TextWriter output)
    {
        const int PerFormat = 3;
        var settle = TimeSpan.FromSeconds(3);
        var chosen = uploads.GroupBy(u => u.Format).SelectMany(g => g.Take(PerFormat)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var results = new List<(Upload Upload, string Url, StorageCounts Counts)>();
        foreach (var (u, k) in chosen.Select((u, k) => (u, k)))
        {
            var body = NewVersion(u, k + 1, setUp.ReportingYear);
            var token = "Bearer " + target.Tokens.Member(u.Member);
            var mark = storage.Mark();
            var sent = await target.SendAsync(new LoadRequest("calibrate", "upload", HttpMethod.Post, Api.MemberPath(setUp.CycleId, u.Member, Api.Submissions), token, body, u.ContentType), TimeSpan.FromSeconds(60));
            await Task.Delay(settle);
            var counts = storage.CountSince(mark);
            results.Add((u, sent.Status == 202 ? Read(sent.Excerpt).Url : "", counts));
        }

        var errors = 0;
        var accepted = new List<(Upload Upload, StorageCounts Counts)>();
        foreach (var r in results)
        {
            var status = r.Url.Length == 0 ? null : await target.SendAsync(new LoadRequest("calibrate", "status", HttpMethod.Get, r.Url.TrimStart('/'), "Bearer " + target.Tokens.Member(r.Upload.Member), null, null), TimeSpan.FromSeconds(60));
            if (status?.Status == 200 && Read(status.Excerpt).Status == Accepted)
            {
                accepted.Add((r.Upload, r.Counts));
            }
            else
            {
                errors++;
                output.WriteLine($"  calibration upload of {r.Upload.Member} ({r.Upload.Format}) not accepted within {settle.TotalSeconds:0} s: {(status is null ? "not stored as a new version" : Describe(status))}");
            }
        }

        output.WriteLine($"Storage requests per accepted upload, one upload at a time and {settle.TotalSeconds:0} s for each, no status reads ({accepted.Count} new versions):");
        foreach (var g in accepted.GroupBy(a => a.Upload.Format))
        {
            var sum = g.Aggregate(new StorageCounts(), (acc, a) => acc.Add(a.Counts));
            output.WriteLine($"  {g.Key,-5} {sum.Describe(g.Count(), "per upload")}");
        }

        return errors;
    }

    /// <summary>The Member's file with other values, so that it is a new version rather than the same content again.</summary>
    static byte[] NewVersion(Upload u, int k, int year) => u.Format switch
    {
        // Filling the Member's filled workbook again overwrites the same cells.
        Seed.Xlsx => Seed.Fill(u.Body, k),
        Seed.Json => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"values":[{"item":"DECL_TOTAL","year":{{year}},"value":{{1000 + k}}},{"item":"DECL_ELECTRONIC","year":{{year}},"value":985},{"item":"AEO_COUNT","year":{{year}},"value":120},{"item":"AEO_COUNT","year":{{year - 1}},"value":100},{"item":"TRADE_VALUE","year":{{year}},"value":5000000.5},{"item":"AEO_TRADE_VALUE","year":{{year}},"value":2500000.25}]}""")),
        _ => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"item,year,value\nDECL_TOTAL,{year},{1000 + k}\nDECL_ELECTRONIC,{year},985\nAEO_COUNT,{year},120\nAEO_COUNT,{year - 1},100\nTRADE_VALUE,{year},5000000.5\nAEO_TRADE_VALUE,{year},2500000.25\n")),
    };

    static double P(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

/// <summary>
/// Storage requests by owner: the app's tables and containers; the durable task hub's, with its queue reads (the
/// backend polling its queues, most of them empty, so their number depends on time more than on work) apart; and
/// table batches (both use them).
/// </summary>
sealed record StorageCounts(int App = 0, int Durable = 0, int QueueReads = 0, int Batch = 0, int Other = 0)
{
    public int Total => App + Durable + QueueReads + Batch + Other;

    public StorageCounts Add(StorageCounts o) => new(App + o.App, Durable + o.Durable, QueueReads + o.QueueReads, Batch + o.Batch, Other + o.Other);

    public string Describe(int per, string perWhat)
    {
        string F(double v) => (per > 0 ? v / per : v).ToString(per > 0 ? "0.0" : "0", CultureInfo.InvariantCulture);
        return $"{F(Total)}{(per > 0 ? " " + perWhat : " in all")} (app {F(App)}, table batches {F(Batch)}, durable task hub {F(Durable)} + {F(QueueReads)} queue reads{(Other > 0 ? $", other {F(Other)}" : "")})";
    }
}

/// <summary>Reads Azurite's access log (one line per request: <c>"GET /devstoreaccount1/Submissions(...) HTTP/1.1" 200</c>).</summary>
sealed class StorageLog(string path, string taskHub)
{
    const string Account = "/devstoreaccount1/";

    static readonly HashSet<string> AppResources =
    [
        StorageNames.SubmissionsContainer, StorageNames.ResultsContainer, StorageNames.CataloguesContainer, StorageNames.MemberSetsContainer,
        StorageNames.CyclesTable, StorageNames.SubmissionsTable, StorageNames.CurrentSubmissionsTable, StorageNames.BenchmarksTable,
    ];

    public long Mark() => new FileInfo(path).Length;

    public StorageCounts CountSince(long mark)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(mark, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        int app = 0, durable = 0, queueReads = 0, batch = 0, other = 0;
        while (reader.ReadLine() is { } line)
        {
            var at = line.IndexOf(Account, StringComparison.Ordinal);
            if (at < 0 || !line.Contains(" HTTP/", StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line.AsSpan(at + Account.Length);
            var end = rest.IndexOfAny("/?( ");
            var resource = (end < 0 ? rest : rest[..end]).ToString();
            if (resource.StartsWith(taskHub, StringComparison.OrdinalIgnoreCase))
            {
                if (line.Contains("\"GET ", StringComparison.Ordinal) && line.Contains("/messages", StringComparison.Ordinal))
                {
                    queueReads++;
                }
                else
                {
                    durable++;
                }
            }
            else if (resource == "$batch")
            {
                batch++;
            }
            else if (AppResources.Contains(resource))
            {
                app++;
            }
            else
            {
                other++;
            }
        }

        return new StorageCounts(app, durable, queueReads, batch, other);
    }

    /// <summary>The storage requests made while nobody sends anything (the durable backend polls its queues and renews leases).</summary>
    public async Task<(double PerSecond, StorageCounts Counts)> MeasureIdleAsync(TimeSpan window)
    {
        var mark = Mark();
        await Task.Delay(window);
        var counts = CountSince(mark);
        return (counts.Total / window.TotalSeconds, counts);
    }
}
