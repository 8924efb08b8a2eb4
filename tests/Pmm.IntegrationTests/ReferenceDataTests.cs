using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pmm.Core;
using Pmm.Core.Formats;
using Pmm.Core.Formats.Excel;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;
using Pmm.Functions.Auth;

namespace Pmm.IntegrationTests;

/// <summary>
/// Catalogue and Members reference versions over HTTP on the local host: staff publish them, cycles pin them, and
/// everything done for a cycle (validation, validate-only, template, Member lookup, benchmarks) uses the pinned ones.
/// </summary>
[Collection(LocalHostFixture.Collection)]
public class ReferenceDataTests(LocalHostFixture app)
{
    const int Year = 2025;

    /// <summary>Optional in 2026.1; the test catalogue makes it required.</summary>
    const string ExtraRequiredItem = "SHIPMENTS_TOTAL";

    string Staff => app.Token(AppRoles.Staff);

    static JsonObject Embedded(string file) => JsonNode.Parse(ReferenceData.Read(file))!.AsObject();

    /// <summary>The embedded catalogue under another version, with one optional item made required.</summary>
    static JsonObject StricterCatalogue(string version)
    {
        var catalogue = Embedded(ReferenceData.CatalogueFile);
        catalogue["version"] = version;
        catalogue["dataItems"]!.AsArray().Single(i => (string?)i!["code"] == ExtraRequiredItem)!["required"] = true;
        return catalogue;
    }

    static StringContent Json(JsonNode document, bool indented = false) =>
        new(document.ToJsonString(new JsonSerializerOptions { WriteIndented = indented }), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    static async Task<JsonElement> BodyOf(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    static async Task<(HttpStatusCode Status, string? Code, string? Detail)> ProblemOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await BodyOf(response);
        return (response.StatusCode, body.GetProperty("code").GetString(), body.GetProperty("detail").GetString());
    }

    Task<HttpResponseMessage> OpenCycleAsync(string cycleId, string? catalogueVersion = null, string? membersVersion = null) =>
        app.SendAsync(HttpMethod.Post, "api/cycles", Staff, JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1), catalogueVersion, membersVersion }));

    async Task<JsonElement> UploadAndWaitAsync(string cycleId, string member, string csv)
    {
        var token = app.Token(AppRoles.Member, member);
        var upload = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/{member}/submissions", token, LocalHostFixture.Csv(csv));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        return await LocalHostFixture.PollAsync(app.Http, upload.Headers.Location!.ToString().TrimStart('/'), token, s => s.GetProperty("status").GetString() is "accepted" or "rejected");
    }

    async Task<string> TemplateCatalogueVersionAsync(string cycleId, string member)
    {
        var download = await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/members/{member}/template", app.Token(AppRoles.Member, member));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        return ExcelSubmissionReader.ReadTemplateInfo(new MemoryStream(await download.Content.ReadAsByteArrayAsync()), new ExcelLimits())!.CatalogueVersion;
    }

    // Publishing is idempotent for the same content (even laid out differently) and refuses other content under a
    // published version, the embedded one included; the document is served back as published and listed.
    [Fact]
    public async Task PublishCatalogue_SameContent200_OtherContent409()
    {
        var version = TestStorage.Unique("2026.1-test");
        var catalogue = StricterCatalogue(version);

        var created = await app.SendAsync(HttpMethod.Put, $"api/catalogues/{version}", Staff, Json(catalogue));
        var again = await app.SendAsync(HttpMethod.Put, $"api/catalogues/{version}", Staff, Json(catalogue, indented: true));
        catalogue["dataItems"]![0]!["label"] = "Changed after publishing";
        var changed = await app.SendAsync(HttpMethod.Put, $"api/catalogues/{version}", Staff, Json(catalogue));
        var embeddedSame = await app.SendAsync(HttpMethod.Put, "api/catalogues/2026.1", Staff, Json(Embedded(ReferenceData.CatalogueFile)));
        var embeddedChanged = await app.SendAsync(HttpMethod.Put, "api/catalogues/2026.1", Staff, Json(StricterCatalogue("2026.1")));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/catalogues/{version}", created.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var conflict = await ProblemOf(changed);
        Assert.Equal((HttpStatusCode.Conflict, "PMM-REF-004"), (conflict.Status, conflict.Code));
        Assert.Contains(version, conflict.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, embeddedSame.StatusCode);
        Assert.Equal((HttpStatusCode.Conflict, "PMM-REF-004"), (embeddedChanged.StatusCode, (await ProblemOf(embeddedChanged)).Code));

        var reader = app.Token(AppRoles.Reader);
        var served = JsonNode.Parse(await (await app.SendAsync(HttpMethod.Get, $"api/catalogues/{version}", reader)).Content.ReadAsStringAsync())!;
        Assert.True(JsonNode.DeepEquals(StricterCatalogue(version), served));
        var list = (await BodyOf(await app.SendAsync(HttpMethod.Get, "api/catalogues", reader))).EnumerateArray().ToList();
        Assert.Contains(list, v => v.GetProperty("version").GetString() == version && !v.GetProperty("isDefault").GetBoolean());
        // The embedded version is listed as the default, and was stored at start-up (so it outlives a newer embedded file).
        Assert.Contains(list, v => v.GetProperty("version").GetString() == "2026.1" && v.GetProperty("isDefault").GetBoolean() && v.GetProperty("publishedAt").ValueKind == JsonValueKind.String);
    }

    // A catalogue the loader refuses is a 400 whose detail is the loader's message naming the entry at fault; the
    // document's version must be the URL's; an unknown version is a 404.
    [Fact]
    public async Task PublishCatalogue_BadDocument_400NamingTheEntry()
    {
        var version = TestStorage.Unique("2026.1-bad");
        var broken = StricterCatalogue(version);
        broken["kpis"]![0]!["outcome"] = "XX.9";
        var firstKpi = (string)broken["kpis"]![0]!["code"]!;

        var bad = await ProblemOf(await app.SendAsync(HttpMethod.Put, $"api/catalogues/{version}", Staff, Json(broken)));
        var notJson = await ProblemOf(await app.SendAsync(HttpMethod.Put, $"api/catalogues/{version}", Staff, new StringContent("{ \"version\": ", Encoding.UTF8, "application/json")));
        var mismatch = await ProblemOf(await app.SendAsync(HttpMethod.Put, $"api/catalogues/{version}-other", Staff, Json(StricterCatalogue(version))));
        var missing = await ProblemOf(await app.SendAsync(HttpMethod.Get, $"api/catalogues/{version}", Staff));

        Assert.Equal((HttpStatusCode.BadRequest, "PMM-REF-001"), (bad.Status, bad.Code));
        Assert.Contains($"KPI '{firstKpi}' names unknown outcome 'XX.9'", bad.Detail, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.BadRequest, "PMM-REF-001"), (notJson.Status, notJson.Code));
        Assert.Equal((HttpStatusCode.BadRequest, "PMM-REF-003"), (mismatch.Status, mismatch.Code));
        Assert.Contains(version, mismatch.Detail, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.NotFound, "PMM-REF-005"), (missing.Status, missing.Code));
    }

    // A cycle pinned to a stricter catalogue rejects a file that the default catalogue accepts, in the upload's
    // validation and in validate-only alike; each cycle's template and catalogue carry its own version.
    [Fact]
    public async Task PinnedCatalogue_UploadValidatedAgainstIt_DefaultCycleStillAccepts()
    {
        var version = TestStorage.Unique("2026.1-test");
        Assert.Equal(HttpStatusCode.Created, (await app.SendAsync(HttpMethod.Put, $"api/catalogues/{version}", Staff, Json(StricterCatalogue(version)))).StatusCode);
        var pinnedId = TestStorage.Unique("pin");
        var defaultId = TestStorage.Unique("dflt");

        var pinned = await BodyOf(await OpenCycleAsync(pinnedId, catalogueVersion: version));
        var byDefault = await BodyOf(await OpenCycleAsync(defaultId));
        Assert.Equal((version, "2026.1"), (pinned.GetProperty("catalogueVersion").GetString(), pinned.GetProperty("membersVersion").GetString()));
        Assert.Equal("2026.1", byDefault.GetProperty("catalogueVersion").GetString());

        var csv = LocalHostFixture.ValidCsv(Year, 1000, 980);
        var rejected = await UploadAndWaitAsync(pinnedId, "KEN", csv);
        var accepted = await UploadAndWaitAsync(defaultId, "KEN", csv);

        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        var finding = Assert.Single(rejected.GetProperty("findings").EnumerateArray());
        Assert.Equal(("PMM-ITEM-003", ExtraRequiredItem), (finding.GetProperty("ruleId").GetString(), finding.GetProperty("itemCode").GetString()));
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());

        var check = await BodyOf(await app.SendAsync(HttpMethod.Post, $"api/cycles/{pinnedId}/members/KEN/validate", app.Token(AppRoles.Member, "KEN"), LocalHostFixture.Csv(csv)));
        Assert.Equal("Rejected", check.GetProperty("status").GetString());
        Assert.Contains(check.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == "PMM-ITEM-003" && f.GetProperty("itemCode").GetString() == ExtraRequiredItem);

        Assert.Equal(version, await TemplateCatalogueVersionAsync(pinnedId, "KEN"));
        Assert.Equal("2026.1", await TemplateCatalogueVersionAsync(defaultId, "KEN"));
        var cycleCatalogue = await BodyOf(await app.SendAsync(HttpMethod.Get, $"api/cycles/{pinnedId}/catalogue", app.Token(AppRoles.Reader)));
        Assert.Equal(version, cycleCatalogue.GetProperty("version").GetString());
        Assert.True(cycleCatalogue.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("code").GetString() == ExtraRequiredItem).GetProperty("required").GetBoolean());
    }

    // A cycle cannot be pinned to a version nobody published.
    [Theory]
    [InlineData("catalogueVersion")]
    [InlineData("membersVersion")]
    public async Task OpenCycle_UnpublishedVersion_400(string field)
    {
        var cycleId = TestStorage.Unique("unpub");
        var response = field == "catalogueVersion" ? await OpenCycleAsync(cycleId, catalogueVersion: "1999.9") : await OpenCycleAsync(cycleId, membersVersion: "1999.9");

        var problem = await ProblemOf(response);
        Assert.Equal((HttpStatusCode.BadRequest, "PMM-CYCLE-005"), (problem.Status, problem.Code));
        Assert.Contains("1999.9", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}", Staff)).StatusCode);
    }

    // A cycle pinned to a Members set without KEN refuses KEN's upload and template as an unknown Member, takes FRA's
    // (and DEU's and BEL's), and benchmarks them in the region that set gives them.
    [Fact]
    public async Task PinnedMembers_MemberNotInSet_RefusedAndRegionsFromSet()
    {
        var version = TestStorage.Unique("2026.1-members");
        var set = Embedded(ReferenceData.MembersFile);
        set["version"] = version;
        var members = set["members"]!.AsArray();
        members.Remove(members.Single(m => (string?)m!["code"] == "KEN"));
        foreach (var moved in Moved)
        {
            members.Single(m => (string?)m!["code"] == moved)!["region"] = "AMC";
        }

        var badSet = JsonNode.Parse(set.ToJsonString())!;
        badSet["members"]![0]!["region"] = "NOWHERE";

        var invalid = await ProblemOf(await app.SendAsync(HttpMethod.Put, $"api/members/{version}", Staff, Json(badSet)));
        Assert.Equal((HttpStatusCode.BadRequest, "PMM-REF-002"), (invalid.Status, invalid.Code));
        Assert.Contains("NOWHERE", invalid.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await app.SendAsync(HttpMethod.Put, $"api/members/{version}", Staff, Json(set))).StatusCode);
        var cycleId = TestStorage.Unique("mem");
        Assert.Equal(version, (await BodyOf(await OpenCycleAsync(cycleId, membersVersion: version))).GetProperty("membersVersion").GetString());

        var ken = app.Token(AppRoles.Member, "KEN");
        var upload = await ProblemOf(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/KEN/submissions", ken, LocalHostFixture.Csv(LocalHostFixture.ValidCsv(Year, 1000, 980))));
        var template = await ProblemOf(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/members/KEN/template", ken));
        Assert.Equal((HttpStatusCode.NotFound, "PMM-MEMBER-001"), (upload.Status, upload.Code));
        Assert.Contains(version, upload.Detail, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.NotFound, "PMM-MEMBER-001"), (template.Status, template.Code));
        foreach (var moved in Moved)
        {
            Assert.Equal("accepted", (await UploadAndWaitAsync(cycleId, moved, LocalHostFixture.ValidCsv(Year, 2000, 1900))).GetProperty("status").GetString());
        }

        Assert.Equal(HttpStatusCode.Accepted, (await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/close", Staff)).StatusCode);
        await LocalHostFixture.PollAsync(app.Http, $"api/cycles/{cycleId}", Staff, c => c.GetProperty("status").GetString() == "closed");
        var rows = (await BodyOf(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks?status=final", Staff))).GetProperty("rows").EnumerateArray()
            .Where(r => r.GetProperty("kpiCode").GetString() == "TF-01" && r.GetProperty("scope").GetString() == "region")
            .ToDictionary(r => r.GetProperty("group").GetString()!);
        Assert.Equal(Moved.Length, rows["AMC"].GetProperty("n").GetInt32());
        Assert.Equal((JsonValueKind.Null, "C"), (rows["EUR"].GetProperty("n").ValueKind, rows["EUR"].GetProperty("confidentiality").GetString()));
    }

    /// <summary>European Members the test's Members set moves to AMC: enough for a published group at the tests' threshold (3).</summary>
    static readonly string[] Moved = ["FRA", "DEU", "BEL"];
}
