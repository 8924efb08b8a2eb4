using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;
using Pmm.Functions.Auth;

namespace Pmm.IntegrationTests;

/// <summary>The Excel path as an NCP uses it: download the template, fill it in, upload it.</summary>
[Collection(LocalHostFixture.Collection)]
public class ExcelRoundTripTests(LocalHostFixture app)
{
    const int Year = 2025;

    // Template → filled by code → uploaded → accepted; the same data as CSV is then the same submission.
    [Fact]
    public async Task Template_FilledAndUploaded_AcceptedAndSameAsCsv()
    {
        var cycleId = TestStorage.Unique("xl");
        await app.SendAsync(HttpMethod.Post, "api/cycles", app.Token(AppRoles.Staff), JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));
        var member = app.Token(AppRoles.Member, "CIV");

        var download = await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/members/CIV/template", member);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(SubmissionFormats.Xlsx, download.Content.Headers.ContentType?.MediaType);
        var filled = Fill(await download.Content.ReadAsByteArrayAsync(), new() { [("DECL_TOTAL", Year)] = 1000, [("DECL_ELECTRONIC", Year)] = 980, [("AEO_COUNT", Year)] = 110, [("AEO_COUNT", Year - 1)] = 100, [("TRADE_VALUE", Year)] = 1000000 });

        var upload = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/CIV/submissions", member, Xlsx(filled));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var verdict = await LocalHostFixture.PollAsync(app.Http, upload.Headers.Location!.ToString().TrimStart('/'), member, s => s.GetProperty("status").GetString() is "accepted" or "rejected");
        Assert.Equal("accepted", verdict.GetProperty("status").GetString());
        Assert.StartsWith("Excel", verdict.GetProperty("format").GetString(), StringComparison.Ordinal);
        Assert.Equal(98m, verdict.GetProperty("kpiValues").GetProperty("TF-01").GetDecimal());

        var asCsv = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/CIV/submissions", member, LocalHostFixture.Csv(LocalHostFixture.ValidCsv(Year, 1000, 980)));
        Assert.Equal(HttpStatusCode.OK, asCsv.StatusCode);
        Assert.Equal(verdict.GetProperty("submissionId").GetString(), (await asCsv.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("submissionId").GetString());
    }

    // A bad cell is pointed at as Sheet!Cell; another Member's template is refused before validation.
    [Fact]
    public async Task Template_BadCellOrOtherMember_Pointed()
    {
        var cycleId = TestStorage.Unique("xl");
        await app.SendAsync(HttpMethod.Post, "api/cycles", app.Token(AppRoles.Staff), JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));
        var member = app.Token(AppRoles.Member, "NGA");
        var template = await (await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/members/NGA/template", member)).Content.ReadAsByteArrayAsync();
        var filled = Fill(template, new() { [("DECL_TOTAL", Year)] = 1000, [("DECL_ELECTRONIC", Year)] = 1500, [("AEO_COUNT", Year)] = 110, [("AEO_COUNT", Year - 1)] = 100, [("TRADE_VALUE", Year)] = 1000000 });

        var check = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/NGA/validate", member, Xlsx(filled));
        var finding = Assert.Single((await check.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("findings").EnumerateArray());
        Assert.Equal(("PMM-RULE-001", $"Data!D{Row("DECL_ELECTRONIC")}"), (finding.GetProperty("ruleId").GetString(), finding.GetProperty("pointer").GetString()));

        var asOther = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/SEN/submissions", app.Token(AppRoles.Member, "SEN"), Xlsx(filled));
        Assert.Equal(HttpStatusCode.BadRequest, asOther.StatusCode);
        Assert.Equal("PMM-REQ-006", (await asOther.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    // "Done when", as a new user: download the template, fill it in with two mistakes, upload, get cell-pointed findings,
    // fix them, upload again and be accepted; then the same data as a semicolon, decimal-comma CSV is the same submission,
    // and a mistake in that CSV is pointed at by line and column.
    [Fact]
    public async Task NewUser_TemplateFindingsFixedAccepted_SameAsSemicolonCsv()
    {
        var cycleId = TestStorage.Unique("xl");
        await app.SendAsync(HttpMethod.Post, "api/cycles", app.Token(AppRoles.Staff), JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));
        var member = app.Token(AppRoles.Member, "GHA");
        var template = await (await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/members/GHA/template", member)).Content.ReadAsByteArrayAsync();
        var values = new Dictionary<(string Item, int Year), decimal> { [("DECL_TOTAL", Year)] = 1000, [("DECL_ELECTRONIC", Year)] = 1500, [("AEO_COUNT", Year)] = 110, [("AEO_COUNT", Year - 1)] = 100, [("TRADE_VALUE", Year)] = 1000000.5m };
        var ecom = Row("SHIPMENTS_ECOM");
        var texts = new Dictionary<string, string> { [$"Data!F{ecom}"] = "not applicable", [$"Disclosure!D{KpiRow("TF-01")}"] = "wco" };

        var first = await UploadAsync(cycleId, member, Fill(template, values, texts));
        Assert.Equal("rejected", first.GetProperty("status").GetString());
        var findings = first.GetProperty("findings").EnumerateArray().Select(f => (Rule: f.GetProperty("ruleId").GetString(), Pointer: f.GetProperty("pointer").GetString(), Hint: f.GetProperty("hint").GetString())).ToList();
        Assert.Equal([("PMM-RULE-001", $"Data!D{Row("DECL_ELECTRONIC")}"), ("PMM-STATE-002", $"Data!F{ecom}")], findings.Select(f => (f.Rule, f.Pointer)).Order());
        Assert.All(findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Hint)));

        values[("DECL_ELECTRONIC", Year)] = 980;
        texts[$"Data!H{ecom}"] = "No postal or courier e-commerce channel";
        var fixedUp = await UploadAsync(cycleId, member, Fill(template, values, texts));
        Assert.Equal("accepted", fixedUp.GetProperty("status").GetString());
        Assert.True(fixedUp.GetProperty("isCurrent").GetBoolean());
        var canonical = fixedUp.GetProperty("canonical");
        Assert.Equal("wco", canonical.GetProperty("disclosure").GetProperty("TF-01").GetString());
        var state = canonical.GetProperty("values").EnumerateArray().Single(v => v.GetProperty("item").GetString() == "SHIPMENTS_ECOM");
        Assert.Equal(("NotApplicable", "No postal or courier e-commerce channel"), (state.GetProperty("state").GetString(), state.GetProperty("reason").GetString()));

        const string Header = "item;year;value;status;reason;disclosure";
        string Csv(string electronic) => string.Join("\r\n", Header, $"DECL_TOTAL;{Year};1.000;;;", $"DECL_ELECTRONIC;{Year};{electronic};;;", $"AEO_COUNT;{Year};110;;;", $"AEO_COUNT;{Year - 1};100;;;", $"TRADE_VALUE;{Year};1.000.000,50;;;", $"SHIPMENTS_ECOM;{Year};;Not Applicable;No postal or courier e-commerce channel;", "TF-01;;;;;wco") + "\r\n";
        var check = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/GHA/validate", member, LocalHostFixture.Csv(Csv("980,5")));
        var csvFinding = Assert.Single((await check.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("findings").EnumerateArray());
        Assert.Equal(("PMM-VALUE-003", "line 3, column 3"), (csvFinding.GetProperty("ruleId").GetString(), csvFinding.GetProperty("pointer").GetString()));

        var asCsv = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/GHA/submissions", member, LocalHostFixture.Csv(Csv("980")));
        Assert.Equal(HttpStatusCode.OK, asCsv.StatusCode);
        Assert.Equal(fixedUp.GetProperty("submissionId").GetString(), (await asCsv.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("submissionId").GetString());
    }

    async Task<JsonElement> UploadAsync(string cycleId, string token, byte[] xlsx)
    {
        var upload = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/GHA/submissions", token, Xlsx(xlsx));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        return await LocalHostFixture.PollAsync(app.Http, upload.Headers.Location!.ToString().TrimStart('/'), token, s => s.GetProperty("status").GetString() is "accepted" or "rejected");
    }

    static int KpiRow(string kpiCode) => KpiCatalogue.LoadEmbedded().Kpis.Select(k => k.Code).ToList().IndexOf(kpiCode) + 2;

    static ByteArrayContent Xlsx(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(SubmissionFormats.Xlsx);
        return content;
    }

    static int Row(string itemCode) => KpiCatalogue.LoadEmbedded().Items.Select(i => i.Code).ToList().IndexOf(itemCode) + 2;

    /// <summary>Types numbers into the template's value cells (column D for T, E for T-1), and texts into cells named "Sheet!A1", as a person would.</summary>
    static byte[] Fill(byte[] template, Dictionary<(string Item, int Year), decimal> values, Dictionary<string, string>? texts = null)
    {
        using var stream = new MemoryStream();
        stream.Write(template);
        using (var document = SpreadsheetDocument.Open(stream, true))
        {
            var workbook = document.WorkbookPart!;
            var sheet = workbook.Workbook!.Sheets!.Elements<Sheet>().Single(s => s.Name == "Data");
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!.Value!);
            foreach (var ((item, year), value) in values)
            {
                var reference = (year == Year ? "D" : "E") + Row(item).ToString(CultureInfo.InvariantCulture);
                var cell = part.Worksheet!.Descendants<Cell>().Single(c => c.CellReference == reference);
                cell.DataType = null;
                cell.CellValue = new CellValue(value.ToString(CultureInfo.InvariantCulture));
            }

            part.Worksheet.Save();
            foreach (var (at, text) in texts ?? [])
            {
                var (sheetName, reference) = (at.Split('!')[0], at.Split('!')[1]);
                var target = (WorksheetPart)workbook.GetPartById(workbook.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == sheetName).Id!.Value!);
                var cell = target.Worksheet!.Descendants<Cell>().Single(c => c.CellReference == reference);
                cell.CellValue = null;
                cell.DataType = CellValues.InlineString;
                cell.InlineString = new InlineString(new Text(text));
                target.Worksheet.Save();
            }
        }

        return stream.ToArray();
    }
}
