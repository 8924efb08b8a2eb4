using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pmm.Load;

/// <summary>
/// Sends issue 7's worst files to validate-only, one at a time (then four row bombs at once), and reports each
/// one's time, answer size and the host's memory before, at its peak and after. Files are generated in memory.
/// </summary>
static partial class Probe
{
    /// <summary>Under the default upload limit (10 MiB), so the file is read rather than refused for its size.</summary>
    const int TenMegabytes = 10_400_000;

    const int BombRows = 6_300_000;

    public static async Task<int> RunAsync(LoadTarget target, SetUp setUp, TextWriter output)
    {
        var path = Api.MemberPath(setUp.CycleId, LoadTarget.Member, Api.Validate);
        var token = "Bearer " + target.Tokens.Member(LoadTarget.Member);
        LoadRequest Validate(string name, byte[] body, string type) => new("probe", name, HttpMethod.Post, path, token, body, type);

        // Warm up (JIT, caches) so the first probe is not charged for it.
        var good = setUp.Seeds.First(s => s.Format == Seed.Csv);
        await target.SendAsync(Validate("warm-up", good.Bytes, good.ContentType), TimeSpan.FromSeconds(60));
        await target.SendAsync(Validate("warm-up", setUp.Seeds[^1].Bytes, Seed.XlsxType), TimeSpan.FromSeconds(60));

        var bomb = Mutations.RowBomb(setUp.Template, BombRows);
        var probes = new (string Name, Func<byte[]> Body, string Type)[]
        {
            ($"Excel row bomb ({BombRows / 1e6:0.0} M empty rows declared)", () => bomb, Seed.XlsxType),
            ("10 MB CSV of unknown item codes", () => Mutations.UnknownCodesCsv(TenMegabytes, setUp.ReportingYear), Seed.CsvType),
            ("10 MB JSON of unknown item codes", () => Mutations.UnknownCodesJson(TenMegabytes, setUp.ReportingYear), Seed.JsonType),
            ("JSON with a 9 MB item code", () => Encoding.UTF8.GetBytes($$"""{"values":[{"item":"{{new string('A', 9_000_000)}}","year":{{setUp.ReportingYear}},"value":1}]}"""), Seed.JsonType),
        };

        output.WriteLine();
        output.WriteLine($"{"probe (validate-only)",-44} {"bytes",12} {"status",7} {"time",9} {"answer",12}  {"RSS before",10} {"peak",8} {"after",8}  answer");
        var failed = 0;
        foreach (var (name, make, type) in probes)
        {
            var body = make();
            failed += await One(target, output, name, [Validate(name, body, type)]);
        }

        failed += await One(target, output, "four row bombs at once", [.. Enumerable.Range(0, 4).Select(_ => Validate("bomb", bomb, Seed.XlsxType))]);
        output.WriteLine($"Host RSS now {HostProcess.Mb(target.Host.RssKb)}; peak since it started (VmHWM) {HostProcess.Mb(target.Host.HighWaterKb)}");
        return failed == 0 ? 0 : 1;
    }

    static async Task<int> One(LoadTarget target, TextWriter output, string name, LoadRequest[] requests)
    {
        await Task.Delay(1000);
        var before = target.Host.RssKb;
        target.Host.ResetPeak();
        var clock = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(requests.Select(r => target.SendAsync(r, TimeSpan.FromMinutes(5))));
        var time = clock.Elapsed;
        var peak = target.Host.SampledPeakKb;
        var after = target.Host.RssKb;
        var first = outcomes[0];
        var status = string.Join("/", outcomes.Select(o => o.Status > 0 ? o.Status.ToString(CultureInfo.InvariantCulture) : "drop").Distinct());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-44} {FuzzPlan.Format(requests.Sum(r => (long)r.Body!.Length)),12} {status,7} {time.TotalSeconds,8:0.00}s {FuzzPlan.Format(outcomes.Max(o => o.ResponseBytes)),12}  {HostProcess.Mb(before),10} {HostProcess.Mb(peak),8} {HostProcess.Mb(after),8}  {Summary(first)}"));
        return outcomes.Count(o => o.IsServerError);
    }

    /// <summary>The answer's problem code or its findings' rule ids with counts.</summary>
    static string Summary(Outcome o)
    {
        if (o.Failure is not null)
        {
            return o.Failure;
        }

        var code = Code().Match(o.Excerpt);
        if (code.Success)
        {
            return code.Groups[1].Value;
        }

        var rules = RuleId().Matches(o.Excerpt).GroupBy(m => m.Groups[1].Value).Select(g => $"{g.Key} x{g.Count()}{(o.ResponseBytes > o.Excerpt.Length ? "+" : "")}");
        return string.Join(", ", rules.Take(4));
    }

    [GeneratedRegex("\"code\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex Code();

    [GeneratedRegex("\"ruleId\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex RuleId();
}
