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

    // KEN keeps TF-01 restricted, DEU opens it to the WCO level, FRA leaves the public default: a Reader's benchmark counts
    // FRA only, a Member's FRA and DEU, Staff all three; a Reader cannot ask for a wider audience.
    [Fact]
    public async Task Benchmarks_PerAudience_OnlyValuesTheMemberAllowed()
    {
        var staff = app.Token(AppRoles.Staff);
        var cycleId = TestStorage.Unique("disc");
        var open = await app.SendAsync(HttpMethod.Post, "api/cycles", staff, JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);

        var ken = await UploadAsync(cycleId, "KEN", WithDisclosure(LocalHostFixture.ValidCsv(Year, 1000, 900), "restricted"));
        var deu = await UploadAsync(cycleId, "DEU", WithDisclosure(LocalHostFixture.ValidCsv(Year, 1000, 950), "wco"));
        var fra = await UploadAsync(cycleId, "FRA", LocalHostFixture.ValidCsv(Year, 1000, 1000));
        foreach (var (url, code) in new[] { (ken, "KEN"), (deu, "DEU"), (fra, "FRA") })
        {
            var verdict = await LocalHostFixture.PollAsync(app.Http, url.TrimStart('/'), app.Token(AppRoles.Member, code), s => s.GetProperty("status").GetString() is "accepted" or "rejected");
            Assert.Equal("accepted", verdict.GetProperty("status").GetString());
        }

        var kenView = await LocalHostFixture.PollAsync(app.Http, ken.TrimStart('/'), app.Token(AppRoles.Member, "KEN"), _ => true);
        Assert.Equal("restricted", kenView.GetProperty("canonical").GetProperty("disclosure").GetProperty("TF-01").GetString());

        var all = await LocalHostFixture.PollAsync(app.Http, $"api/cycles/{cycleId}/benchmarks", staff, b => b.GetProperty("respondents").GetInt32() == 3);
        Assert.Equal("restricted", all.GetProperty("audience").GetString());
        Assert.Equal(3, GlobalN(all));
        Assert.Equal(95.0, GlobalRow(all).GetProperty("median").GetDouble(), 9);

        var member = await Benchmarks(cycleId, app.Token(AppRoles.Member, "KEN"), "");
        Assert.Equal(("wco", 2), (member.GetProperty("audience").GetString(), GlobalN(member)));

        var reader = app.Token(AppRoles.Reader);
        var publicView = await Benchmarks(cycleId, reader, "");
        Assert.Equal(("public", 1), (publicView.GetProperty("audience").GetString(), GlobalN(publicView)));
        Assert.Equal(100.0, GlobalRow(publicView).GetProperty("mean").GetDouble(), 9);

        // Staff can preview what a narrower audience sees; a Reader cannot widen its own.
        Assert.Equal(1, GlobalN(await Benchmarks(cycleId, staff, "?audience=public")));
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
