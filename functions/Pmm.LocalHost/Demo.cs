using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Pmm.Functions.Auth;
using Pmm.Functions.Configuration;
using Pmm.Functions.Http;

namespace Pmm.LocalHost;

/// <summary>
/// Plays a small cycle over HTTP, as the three kinds of users would: staff open a cycle, several Members
/// upload CSV files (one with mistakes, which is rejected with findings), staff close the cycle and publish
/// its final snapshot, and the published benchmark table a Reader reads is printed.
/// </summary>
static class Demo
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(Uri baseUrl, AuthOptions auth, TextWriter output)
    {
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        var staff = DevelopmentTokens.Mint(auth, AppRoles.Staff);
        var year = DateTime.UtcNow.Year - 1;
        var cycleId = $"demo-{DateTime.UtcNow:yyyyMMdd-HHmmss}";

        output.WriteLine($"1. Staff open cycle {cycleId} (reporting year {year})");
        var open = await Send(http, HttpMethod.Post, Path(Routes.Cycles), staff, JsonContent.Create(new { cycleId, reportingYear = year, deadline = DateTimeOffset.UtcNow.AddDays(30) }));
        output.WriteLine($"   -> {(int)open.StatusCode} {open.StatusCode}");
        if (!open.IsSuccessStatusCode)
        {
            output.WriteLine(await open.Content.ReadAsStringAsync());
            return 1;
        }

        output.WriteLine("2. Members upload their files");
        var pending = new List<(string Member, string Url, string Token)>();
        foreach (var (member, csv) in SampleFiles(year))
        {
            var token = DevelopmentTokens.Mint(auth, AppRoles.Member, member);
            var upload = await Send(http, HttpMethod.Post, Path(Routes.Submissions, cycleId, member), token, new StringContent(csv, MediaTypeHeaderValue.Parse("text/csv")));
            var url = upload.Headers.Location?.ToString() ?? "";
            output.WriteLine($"   {member}: {(int)upload.StatusCode} {upload.StatusCode} -> {url}");
            pending.Add((member, url, token));
        }

        output.WriteLine("3. Validation results");
        foreach (var (member, url, token) in pending)
        {
            var status = await WaitForVerdict(http, url, token);
            var state = status.GetProperty("status").GetString();
            output.WriteLine($"   {member}: {state} ({status.GetProperty("errors").GetInt32()} errors, {status.GetProperty("warnings").GetInt32()} warnings)");
            if (status.TryGetProperty("findings", out var findings) && findings.ValueKind == JsonValueKind.Array)
            {
                foreach (var f in findings.EnumerateArray())
                {
                    output.WriteLine($"      [{f.GetProperty("ruleId").GetString()}] {f.GetProperty("pointer").GetString()}: {f.GetProperty("message").GetString()} Hint: {f.GetProperty("hint").GetString()}");
                }
            }
        }

        output.WriteLine("4. Staff close the cycle");
        var close = await Send(http, HttpMethod.Post, Path(Routes.CycleClose, cycleId), staff, null);
        output.WriteLine($"   -> {(int)close.StatusCode} {close.StatusCode}");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? cycleStatus = null;
        while (DateTime.UtcNow < deadline && cycleStatus != "closed")
        {
            await Task.Delay(500);
            var cycle = await (await Send(http, HttpMethod.Get, Path(Routes.Cycle, cycleId), staff, null)).Content.ReadFromJsonAsync<JsonElement>(Json);
            cycleStatus = cycle.GetProperty("status").GetString();
        }

        output.WriteLine($"   cycle is {cycleStatus}");
        var reader = DevelopmentTokens.Mint(auth, AppRoles.Reader);
        var before = await Send(http, HttpMethod.Get, Path(Routes.CycleBenchmarks, cycleId), reader, null);
        output.WriteLine($"   a Reader asking for benchmarks now: {(int)before.StatusCode} {before.StatusCode} (final figures are WCO staff's until published)");

        output.WriteLine("5. Staff publish the final snapshot");
        var publish = await Send(http, HttpMethod.Post, Path(Routes.CyclePublish, cycleId), staff, null);
        var publication = await publish.Content.ReadFromJsonAsync<JsonElement>(Json);
        output.WriteLine($"   -> {(int)publish.StatusCode} {publish.StatusCode}: {(publish.IsSuccessStatusCode ? $"{publication.GetProperty("status").GetString()} snapshot {publication.GetProperty("snapshotId").GetString()}" : publication.GetProperty("detail").GetString())}");
        if (!publish.IsSuccessStatusCode)
        {
            return 1;
        }

        output.WriteLine("6. Published benchmarks (a dashboard's view, Reader role)");
        var response = await Send(http, HttpMethod.Get, Path(Routes.CycleBenchmarks, cycleId), reader, null);
        var table = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        if (!response.IsSuccessStatusCode)
        {
            output.WriteLine($"   -> {(int)response.StatusCode} {response.StatusCode}: {table.GetProperty("detail").GetString()}");
            return 1;
        }

        output.WriteLine($"   snapshot={table.GetProperty("snapshotId").GetString()} status={table.GetProperty("status").GetString()} audience={table.GetProperty("audience").GetString()} respondents={table.GetProperty("respondents").GetInt32()} catalogue={table.GetProperty("catalogueVersion")}");
        output.WriteLine($"   ({RestrictedMember} chose 'restricted' for TF-01: it is not in this public view; WCO staff see it in GET .../benchmarks)");
        output.WriteLine($"   {"KPI",-6} {"scope",-7} {"group",-12} {"n",3} {"mean",14} {"median",14}");
        var suppressed = 0;
        foreach (var row in table.GetProperty("rows").EnumerateArray())
        {
            if (row.GetProperty("suppressed").GetBoolean())
            {
                // Suppressed rows carry only the reason; list them as a count to keep the table readable.
                suppressed++;
                continue;
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {row.GetProperty("kpiCode").GetString(),-6} {row.GetProperty("scope").GetString(),-7} {row.GetProperty("group").GetString(),-12} {row.GetProperty("n").GetInt32(),3} {Figure(row.GetProperty("mean")),14} {Figure(row.GetProperty("median")),14}"));
        }

        output.WriteLine($"   ({suppressed} KPI/group rows suppressed: too few Members, or they would give away other rows; a median needs more Members than a mean)");
        return 0;
    }

    static string Figure(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? value.GetDouble().ToString("0.00", CultureInfo.InvariantCulture) : "-";

    /// <summary>The demo Member that discloses TF-01 to WCO staff only.</summary>
    const string RestrictedMember = "JPN";

    /// <summary>Twelve Members' files (enough for a global median at the default thresholds, and a European mean), and one with mistakes.</summary>
    public static IEnumerable<(string Member, string Csv)> SampleFiles(int year)
    {
        (string Member, int Declarations, double Electronic, int Aeo, int AeoBefore)[] members =
        [
            ("FRA", 4_200_000, 0.995, 1650, 1600),
            ("BEL", 2_900_000, 0.99, 980, 900),
            ("POL", 3_100_000, 0.97, 610, 640),
            ("KEN", 1_400_000, 0.98, 120, 95),
            ("JPN", 6_800_000, 0.999, 820, 800),
            ("BRA", 5_500_000, 0.96, 410, 350),
            ("DEU", 7_900_000, 0.992, 1900, 1850),
            ("ESP", 3_600_000, 0.985, 890, 860),
            ("ITA", 5_100_000, 0.975, 1320, 1290),
            ("NLD", 4_800_000, 0.998, 2100, 2050),
            ("CAN", 4_300_000, 0.99, 1700, 1650),
            ("USA", 9_800_000, 0.995, 11_000, 10_800),
        ];
        foreach (var m in members)
        {
            // Japan keeps its TF-01 data restricted: it counts in Staff's benchmarks, not in the public ones.
            var disclosure = m.Member == RestrictedMember ? "TF-01,,,restricted\n" : "";
            yield return (m.Member, string.Create(CultureInfo.InvariantCulture, $"""
                item,year,value,disclosure
                DECL_TOTAL,{year},{m.Declarations}
                DECL_ELECTRONIC,{year},{(int)(m.Declarations * m.Electronic)}
                AEO_COUNT,{year},{m.Aeo}
                AEO_COUNT,{year - 1},{m.AeoBefore}
                TRADE_VALUE,{year},{m.Declarations * 41_000.5}
                AEO_TRADE_VALUE,{year},{m.Declarations * 41_000.5 * 0.6}

                """) + disclosure);
        }

        yield return ("UGA", $"""
            item,year,value
            DECL_TOTAL,{year},350000
            DECL_ELECTRONIC,{year},12x000
            AEO_COUNT,{year},-4
            AEO_COUNTS,{year - 1},40

            """);
    }

    static async Task<JsonElement> WaitForVerdict(HttpClient http, string url, string token)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await (await Send(http, HttpMethod.Get, url.TrimStart('/'), token, null)).Content.ReadFromJsonAsync<JsonElement>(Json);
            var state = status.GetProperty("status").GetString();
            if (state is "accepted" or "rejected" || DateTime.UtcNow > until)
            {
                return status;
            }

            await Task.Delay(300);
        }
    }

    /// <summary>A route's path relative to the host's base address.</summary>
    static string Path(string template, params string[] values) => Routes.Url(template, values).TrimStart('/');

    static async Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string path, string token, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }
}
