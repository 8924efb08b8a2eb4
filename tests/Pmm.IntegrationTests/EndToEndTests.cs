using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pmm.Functions.Auth;
using Pmm.Storage;

namespace Pmm.IntegrationTests;

/// <summary>The whole pipeline over HTTP on the local host: open, upload, validate, benchmarks, close.</summary>
[Collection(LocalHostFixture.Collection)]
public class EndToEndTests(LocalHostFixture app)
{
    const int Year = 2025;

    // A cycle runs end to end over HTTP: Members' files are validated (one rejected with pointed findings), the timer
    // computes provisional benchmarks that only staff read, staff close the cycle and publish its final snapshot, and
    // only then do Readers read final figures, over HTTP and in the table through the published pointer.
    [Fact]
    public async Task Cycle_OpenUploadClosePublishOverHttp_PublishedBenchmarksInTable()
    {
        var staff = app.Token(AppRoles.Staff);
        var cycleId = TestStorage.Unique("e2e");
        var open = await app.SendAsync(HttpMethod.Post, "api/cycles", staff, JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);

        var again = await app.SendAsync(HttpMethod.Post, "api/cycles", staff, JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("PMM-CYCLE-002", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        // Three Members of one region and income group (Europe, high income): a group the threshold (3 in tests) publishes.
        var deu = await UploadAsync(cycleId, "DEU", LocalHostFixture.ValidCsv(Year, 1000, 980));
        var fra = await UploadAsync(cycleId, "FRA", LocalHostFixture.ValidCsv(Year, 2000, 1900));
        var bel = await UploadAsync(cycleId, "BEL", LocalHostFixture.ValidCsv(Year, 1000, 990));
        var uga = await UploadAsync(cycleId, "UGA", $"item,year,value\nDECL_TOTAL,{Year},10\nDECL_ELECTRONIC,{Year},9x\n");

        var deuStatus = await VerdictAsync(deu, "DEU");
        Assert.Equal("accepted", deuStatus.GetProperty("status").GetString());
        Assert.True(deuStatus.GetProperty("isCurrent").GetBoolean());
        Assert.Equal(98m, deuStatus.GetProperty("kpiValues").GetProperty("TF-01").GetDecimal());
        Assert.Equal("accepted", (await VerdictAsync(fra, "FRA")).GetProperty("status").GetString());
        Assert.Equal("accepted", (await VerdictAsync(bel, "BEL")).GetProperty("status").GetString());
        var ugaStatus = await VerdictAsync(uga, "UGA");
        Assert.Equal("rejected", ugaStatus.GetProperty("status").GetString());
        var notANumber = ugaStatus.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "PMM-VALUE-001");
        Assert.Equal("line 3, column 3", notANumber.GetProperty("pointer").GetString());
        Assert.Equal("9x", notANumber.GetProperty("found").GetString());

        // Sending the same bytes again returns the existing version instead of creating a new one.
        var resend = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/DEU/submissions", app.Token(AppRoles.Member, "DEU"), LocalHostFixture.Csv(LocalHostFixture.ValidCsv(Year, 1000, 980)));
        Assert.Equal(HttpStatusCode.OK, resend.StatusCode);
        Assert.Equal(deu.TrimEnd('/').Split('/')[^1], (await resend.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("submissionId").GetString());

        // The same data as JSON is the same content: no second version.
        var json = $$"""{ "values": [ { "item": "DECL_TOTAL", "year": {{Year}}, "value": 1000 }, { "item": "DECL_ELECTRONIC", "year": {{Year}}, "value": 980 }, { "item": "AEO_COUNT", "year": {{Year}}, "value": 110 }, { "item": "AEO_COUNT", "year": {{Year - 1}}, "value": 100 }, { "item": "TRADE_VALUE", "year": {{Year}}, "value": 1000000 } ] }""";
        var asJson = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/DEU/submissions", app.Token(AppRoles.Member, "DEU"), JsonContent.Create(System.Text.Json.JsonDocument.Parse(json).RootElement));
        Assert.Equal(HttpStatusCode.OK, asJson.StatusCode);
        Assert.Equal(deu.TrimEnd('/').Split('/')[^1], (await asJson.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("submissionId").GetString());

        // The timer (every 2 s in this fixture) computes provisional figures while the cycle is open: Staff only.
        var reader = app.Token(AppRoles.Reader);
        var provisional = await LocalHostFixture.PollAsync(app.Http, $"api/cycles/{cycleId}/benchmarks?status=provisional", staff, b => b.GetProperty("respondents").GetInt32() == 3, expectFound: false);
        Assert.Equal("provisional", provisional.GetProperty("status").GetString());
        await ProblemAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks?status=provisional", reader), HttpStatusCode.Forbidden, "PMM-AUTH-006");
        await ProblemAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks", app.Token(AppRoles.Member, "DEU")), HttpStatusCode.NotFound, "PMM-SNAP-002");

        Assert.Equal(HttpStatusCode.Accepted, (await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/close", staff)).StatusCode);
        var closed = await LocalHostFixture.PollAsync(app.Http, $"api/cycles/{cycleId}", staff, c => c.GetProperty("status").GetString() == "closed" && c.GetProperty("orchestration").GetString() == "Completed");
        Assert.StartsWith("closed by staff", closed.GetProperty("closedReason").GetString(), StringComparison.Ordinal);
        Assert.Equal("unpublished", closed.GetProperty("publication").GetProperty("status").GetString());
        var asReader = await (await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}", reader)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("closed", JsonValueKind.Null), (asReader.GetProperty("status").GetString(), asReader.GetProperty("orchestration").ValueKind));

        // Closed but not published: final figures are Staff's.
        await ProblemAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks", reader), HttpStatusCode.NotFound, "PMM-SNAP-002");
        await ProblemAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks?status=final", reader), HttpStatusCode.Forbidden, "PMM-AUTH-006");
        var staffFinal = await (await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks", staff)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("final", JsonValueKind.Null), (staffFinal.GetProperty("status").GetString(), staffFinal.GetProperty("publishedAt").ValueKind));

        var publish = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", staff);
        Assert.Equal(HttpStatusCode.OK, publish.StatusCode);
        var publication = await publish.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("published", staffFinal.GetProperty("snapshotId").GetString()), (publication.GetProperty("status").GetString(), publication.GetProperty("snapshotId").GetString()));

        var final = await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks", reader);
        Assert.Equal(HttpStatusCode.OK, final.StatusCode);
        var body = await final.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("final", "public"), (body.GetProperty("status").GetString(), body.GetProperty("audience").GetString()));
        var tf01 = body.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("kpiCode").GetString() == "TF-01" && r.GetProperty("scope").GetString() == "global");
        Assert.Equal(3, tf01.GetProperty("n").GetInt32());
        Assert.Equal(97.333333, tf01.GetProperty("mean").GetDouble(), 9);

        // Dashboards may read the table directly: the published pointer names the snapshot, whose partition has the same figures.
        var store = app.Host.Services.GetRequiredService<BenchmarkStore>();
        var published = await store.GetPointerAsync(cycleId, SnapshotPointers.Published);
        Assert.Equal(body.GetProperty("snapshotId").GetString(), published);
        var row = (await store.ReadRowsAsync(cycleId, published!, "public")).Single(r => r.KpiCode == "TF-01" && r.Scope == "global");
        Assert.Equal((3, 97.333333, "final"), (row.N, row.Mean!.Value, row.Status));

        // Closing again is refused with the reason the cycle closed.
        var again2 = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/close", staff);
        Assert.Equal(HttpStatusCode.Conflict, again2.StatusCode);
        var refusal = await again2.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("PMM-CYCLE-003", refusal.GetProperty("code").GetString());
        Assert.Contains("closed by staff", refusal.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A closed cycle refuses further uploads, saying why.
        var late = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/DEU/submissions", app.Token(AppRoles.Member, "DEU"), LocalHostFixture.Csv(LocalHostFixture.ValidCsv(Year, 5, 5)));
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal("PMM-CYCLE-003", (await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    static async Task ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    // A retry of an upload whose validation never started (stored two minutes ago, then the start failed) starts it instead of duplicating it.
    [Fact]
    public async Task Upload_RetryOfStuckSubmission_StartsItsValidation()
    {
        var cycleId = TestStorage.Unique("stuck");
        await app.SendAsync(HttpMethod.Post, "api/cycles", app.Token(AppRoles.Staff), JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));
        var csv = LocalHostFixture.ValidCsv(Year, 300, 290);
        var bytes = System.Text.Encoding.UTF8.GetBytes(csv);
        var storedAt = DateTimeOffset.UtcNow.AddMinutes(-2);
        var stuck = new SubmissionRecord(cycleId, "SEN", SubmissionStore.NewSubmissionId(storedAt), SubmissionStatus.Received, storedAt, Pmm.Core.Formats.SubmissionFormats.ContentHash(Pmm.Core.Formats.SubmissionFormats.Read("text/csv", new MemoryStream(bytes)), bytes, Pmm.Core.Catalogue.KpiCatalogue.LoadEmbedded()), "text/csv", bytes.Length, "dev");
        var store = app.Host.Services.GetRequiredService<SubmissionStore>();
        Assert.True((await store.ReceiveAsync(stuck, bytes)).Created);

        var retry = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/SEN/submissions", app.Token(AppRoles.Member, "SEN"), LocalHostFixture.Csv(csv));

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var verdict = await VerdictAsync($"/api/cycles/{cycleId}/members/SEN/submissions/{stuck.SubmissionId}", "SEN");
        Assert.Equal("accepted", verdict.GetProperty("status").GetString());
        Assert.Single((await store.ListAsync(cycleId, "SEN")));
    }

    // Validate-only answers with the engine's findings at once and stores nothing; a European CSV is read right.
    [Fact]
    public async Task ValidateOnly_SemicolonDecimalCommaFile_FindingsAndNothingStored()
    {
        var cycleId = TestStorage.Unique("vo");
        await app.SendAsync(HttpMethod.Post, "api/cycles", app.Token(AppRoles.Staff), JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));
        var member = app.Token(AppRoles.Member, "BEL");
        var csv = $"Item;Year;Value\nDECL_TOTAL;{Year};1.000\nDECL_ELECTRONIC;{Year};985\nAEO_COUNT;{Year};110\nAEO_COUNT;{Year - 1};100\nTRADE_VALUE;{Year};1.234.567,89\nDECL_TOTL;{Year};5\n";

        var response = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/BEL/validate", member, LocalHostFixture.Csv(csv));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Rejected", body.GetProperty("status").GetString());
        Assert.Equal("CSV, UTF-8, separator ';', decimal mark ','", body.GetProperty("format").GetString());
        var finding = Assert.Single(body.GetProperty("findings").EnumerateArray());
        Assert.Equal(("PMM-ITEM-001", "line 7, column 1", "DECL_TOTAL"), (finding.GetProperty("ruleId").GetString(), finding.GetProperty("pointer").GetString(), finding.GetProperty("expected").GetString()));
        var list = await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/members/BEL/submissions", member);
        Assert.Empty((await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
    }

    // Request-level mistakes are problem+json with a stable code.
    [Theory]
    [InlineData("application/pdf", "%PDF", 415, "PMM-REQ-003")]
    [InlineData("text/csv", "", 400, "PMM-REQ-005")]
    public async Task Upload_BadRequest_ProblemJson(string contentType, string body, int status, string code)
    {
        var cycleId = TestStorage.Unique("bad");
        await app.SendAsync(HttpMethod.Post, "api/cycles", app.Token(AppRoles.Staff), JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));

        var response = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/KEN/submissions", app.Token(AppRoles.Member, "KEN"), new StringContent(body, System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType)));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    async Task<string> UploadAsync(string cycleId, string member, string csv)
    {
        var response = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/{member}/submissions", app.Token(AppRoles.Member, member), LocalHostFixture.Csv(csv));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    Task<JsonElement> VerdictAsync(string statusUrl, string member) =>
        LocalHostFixture.PollAsync(app.Http, statusUrl.TrimStart('/'), app.Token(AppRoles.Member, member), s => s.GetProperty("status").GetString() is "accepted" or "rejected");
}
