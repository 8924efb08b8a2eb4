using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pmm.Core.Benchmarks;
using Pmm.Core.Catalogue;
using Pmm.Functions.Auth;

namespace Pmm.IntegrationTests;

/// <summary>
/// The reconstructions tried over HTTP as a Reader and as a Member would, on a cycle closed and published for
/// real: what each can read never holds two rows whose Members differ by one (the test's thresholds are 3/3).
/// </summary>
[Collection(LocalHostFixture.Collection)]
public class DisclosureHttpTests(LocalHostFixture app)
{
    const int Year = 2025;

    // Six Europeans disclose publicly and a seventh to NCPs only; one Member outside Europe discloses publicly. Unguarded,
    // global n=7 minus Europe n=6 gives the outsider's value to anyone, and Europe's wco n=7 minus public n=6 gives the
    // seventh European's value to any NCP.
    [Fact]
    public async Task Published_GlobalMinusRegionAndWcoMinusPublic_NotBothReadable()
    {
        var cycleId = TestStorage.Unique("sdc");
        var staff = app.Token(AppRoles.Staff);
        Assert.Equal(HttpStatusCode.Created, (await app.SendAsync(HttpMethod.Post, "api/cycles", staff, JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }))).StatusCode);
        // All in one income group, so income-group rows add no other way in and something can stay published.
        var europeans = MemberDirectory.Embedded.Members.Where(m => m.Region == "EUR" && m.IncomeGroup == "high").Select(m => m.Code).Take(7).ToList();
        var outsider = MemberDirectory.Embedded.Members.First(m => m.Region != "EUR" && m.IncomeGroup == "high").Code;
        var uploads = europeans.Select((m, i) => (Member: m, Csv: i == 6 ? WithDisclosure(LocalHostFixture.ValidCsv(Year, 1000, 900 + i), "wco") : LocalHostFixture.ValidCsv(Year, 1000, 900 + i)))
            .Append((Member: outsider, Csv: LocalHostFixture.ValidCsv(Year, 1000, 734)));
        foreach (var (member, csv) in uploads)
        {
            var response = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/{member}/submissions", app.Token(AppRoles.Member, member), LocalHostFixture.Csv(csv));
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("submissionId").GetString();
            await LocalHostFixture.PollAsync(app.Http, $"api/cycles/{cycleId}/members/{member}/submissions/{id}", staff, s => s.GetProperty("status").GetString() == "accepted");
        }

        await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/close", staff);
        await LocalHostFixture.PollAsync(app.Http, $"api/cycles/{cycleId}", staff, c => c.GetProperty("status").GetString() == "closed");
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", staff)).StatusCode);

        var reader = await RowsAsync(cycleId, app.Token(AppRoles.Reader), "public");
        var ncp = (await RowsAsync(cycleId, app.Token(AppRoles.Member, europeans[0]), "public")).Concat(await RowsAsync(cycleId, app.Token(AppRoles.Member, europeans[0]), "wco")).ToList();

        Assert.False(Free(reader, "public", "global", "all") && Free(reader, "public", "region", "EUR"), "A Reader can subtract Europe from global.");
        Assert.False(Free(ncp, "public", "region", "EUR") && Free(ncp, "wco", "region", "EUR"), "An NCP can subtract Europe's public row from its wco row.");
        Assert.Contains(ncp, r => r.GetProperty("confidentiality").GetString() == Confidentiality.Secondary && r.GetProperty("reason").GetString() == SuppressionReasons.Differencing && r.GetProperty("n").ValueKind == JsonValueKind.Null);
        Assert.True(Free(reader, "public", "global", "all") || Free(reader, "public", "region", "EUR") || Free(reader, "public", "income", "high"), "Nothing is published at all.");
    }

    const string Kpi = "TF-01";

    static bool Free(IEnumerable<JsonElement> rows, string audience, string scope, string group) =>
        rows.Single(r => r.GetProperty("kpiCode").GetString() == Kpi && r.GetProperty("audience").GetString() == audience && r.GetProperty("scope").GetString() == scope && r.GetProperty("group").GetString() == group)
            .GetProperty("confidentiality").GetString() == Confidentiality.Free;

    async Task<List<JsonElement>> RowsAsync(string cycleId, string token, string audience)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks?audience={audience}", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows").EnumerateArray()];
    }

    static string WithDisclosure(string csv, string level) =>
        csv.Replace("item,year,value", "item,year,value,disclosure", StringComparison.Ordinal).TrimEnd() + $"\n{Kpi},,,{level}\n";
}
