using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pmm.Functions.Auth;

namespace Pmm.IntegrationTests;

/// <summary>Members' per-KPI disclosure choices, from their files to the benchmarks each audience reads, over HTTP.</summary>
[Collection(LocalHostFixture.Collection)]
public class DisclosureTests(LocalHostFixture app)
{
    const int Year = 2025;

    // Three Members keep TF-01 restricted, three open it to the WCO level, three leave the public default (all European,
    // high income, so every scope holds the same Members): once published, a Reader's benchmark counts the public three, a
    // Member's the public and WCO six, Staff all nine; a Reader cannot ask for a wider audience.
    [Fact]
    public async Task Benchmarks_PerAudience_OnlyValuesTheMemberAllowed()
    {
        var staff = app.Token(AppRoles.Staff);
        var cycleId = TestStorage.Unique("disc");
        var open = await app.SendAsync(HttpMethod.Post, "api/cycles", staff, JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        (string Member, int Electronic, string? Level)[] members =
        [
            ("FRA", 900, null), ("DEU", 950, null), ("BEL", 1000, null),
            ("AUT", 960, "wco"), ("ESP", 970, "wco"), ("DNK", 980, "wco"),
            ("FIN", 990, "restricted"), ("CHE", 940, "restricted"), ("CZE", 930, "restricted"),
        ];

        var uploads = new List<(string Url, string Member)>();
        foreach (var (code, electronic, level) in members)
        {
            var csv = LocalHostFixture.ValidCsv(Year, 1000, electronic);
            uploads.Add((await UploadAsync(cycleId, code, level is null ? csv : WithDisclosure(csv, level)), code));
        }

        foreach (var (url, code) in uploads)
        {
            var verdict = await LocalHostFixture.PollAsync(app.Http, url.TrimStart('/'), app.Token(AppRoles.Member, code), s => s.GetProperty("status").GetString() is "accepted" or "rejected");
            Assert.Equal("accepted", verdict.GetProperty("status").GetString());
        }

        var finView = await LocalHostFixture.PollAsync(app.Http, uploads[6].Url.TrimStart('/'), app.Token(AppRoles.Member, "FIN"), _ => true);
        Assert.Equal("restricted", finView.GetProperty("canonical").GetProperty("disclosure").GetProperty("TF-01").GetString());

        Assert.Equal(HttpStatusCode.Accepted, (await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/close", staff)).StatusCode);
        await LocalHostFixture.PollAsync(app.Http, $"api/cycles/{cycleId}", staff, c => c.GetProperty("status").GetString() == "closed");
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", staff)).StatusCode);

        var all = await Benchmarks(cycleId, staff, "");
        Assert.Equal(("restricted", 9), (all.GetProperty("audience").GetString(), GlobalN(all)));
        Assert.Equal(95.777778, GlobalRow(all).GetProperty("mean").GetDouble(), 9);

        var member = await Benchmarks(cycleId, app.Token(AppRoles.Member, "FRA"), "");
        Assert.Equal(("wco", 6), (member.GetProperty("audience").GetString(), GlobalN(member)));
        Assert.Equal(96.0, GlobalRow(member).GetProperty("mean").GetDouble(), 9);

        var reader = app.Token(AppRoles.Reader);
        var publicView = await Benchmarks(cycleId, reader, "");
        Assert.Equal(("public", 3), (publicView.GetProperty("audience").GetString(), GlobalN(publicView)));
        Assert.Equal(95.0, GlobalRow(publicView).GetProperty("mean").GetDouble(), 9);

        // Staff can preview what a narrower audience sees; a Reader cannot widen its own.
        Assert.Equal(3, GlobalN(await Benchmarks(cycleId, staff, "?audience=public")));
        var widened = await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks?audience=restricted", reader);
        Assert.Equal(HttpStatusCode.Forbidden, widened.StatusCode);
        Assert.Equal("PMM-AUTH-005", (await widened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var unknown = await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks?audience=everyone", staff);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    static string WithDisclosure(string csv, string level) =>
        csv.Replace("item,year,value", "item,year,value,disclosure", StringComparison.Ordinal).TrimEnd() + $"\nTF-01,,,{level}\n";

    static JsonElement GlobalRow(JsonElement benchmarks) =>
        benchmarks.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("kpiCode").GetString() == "TF-01" && r.GetProperty("scope").GetString() == "global");

    static int GlobalN(JsonElement benchmarks) => GlobalRow(benchmarks).GetProperty("n").GetInt32();

    async Task<JsonElement> Benchmarks(string cycleId, string token, string query)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks{query}", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    async Task<string> UploadAsync(string cycleId, string member, string csv)
    {
        var response = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/{member}/submissions", app.Token(AppRoles.Member, member), LocalHostFixture.Csv(csv));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!.ToString();
    }
}
