using System.Text;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Tests;

public class JsonSubmissionReaderTests
{
    static ParsedSubmission Read(string json) => JsonSubmissionReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    public static string ValidJson() => $$"""
        { "values": [
          { "item": "DECL_TOTAL", "year": {{TestData.Year}}, "value": 1000 },
          { "item": "DECL_ELECTRONIC", "year": {{TestData.Year}}, "value": 985 },
          { "item": "AEO_COUNT", "year": {{TestData.Year}}, "value": 120 },
          { "item": "AEO_COUNT", "year": {{TestData.Year - 1}}, "value": 100.0 },
          { "item": "TRADE_VALUE", "year": {{TestData.Year}}, "value": 5000000.50 },
          { "item": "AEO_TRADE_VALUE", "year": {{TestData.Year}}, "value": 2500000.25 }
        ] }
        """;

    // The same data as JSON gives the same items, years and values as CSV, with JSON pointers.
    [Fact]
    public void Read_Valid_SameValuesAsCsv()
    {
        var json = Read(ValidJson());
        var csv = TestData.Read(TestData.ValidCsv());

        Assert.Empty(json.Findings);
        Assert.Equal(csv.Observations.Select(o => (o.ItemCode, o.Year, o.Value)), json.Observations.Select(o => (o.ItemCode, o.Year, o.Value)));
        Assert.Equal("/values/3", json.Observations[3].Pointer);
    }

    // A quoted number is refused at its JSON pointer; a null value means "no value".
    [Fact]
    public void Read_StringValue_PointsAtValue()
    {
        var parsed = Read("""{ "values": [ { "item": "DECL_TOTAL", "year": 2025, "value": "12" }, { "item": "SHIPMENTS_TOTAL", "year": 2025, "value": null } ] }""");

        var finding = Assert.Single(parsed.Findings);
        Assert.Equal((RuleIds.NotANumber, "/values/0/value", "\"12\""), (finding.RuleId, finding.Pointer, finding.Found));
        Assert.DoesNotContain(parsed.Observations, o => o.ItemCode == "SHIPMENTS_TOTAL");
    }

    // Broken JSON, a wrong shape, or no entries are file-level errors with a pointer.
    [Theory]
    [InlineData("{ \"values\": [ { \"item\": ", RuleIds.FileUnreadable)]
    [InlineData("[1, 2]", RuleIds.FileUnreadable)]
    [InlineData("{ \"values\": [] }", RuleIds.FileEmpty)]
    [InlineData("{ \"values\": [ { \"year\": 2025, \"value\": 1 } ] }", RuleIds.RowShape)]
    [InlineData("{ \"values\": [ { \"item\": \"DECL_TOTAL\", \"year\": \"2025\", \"value\": 1 } ] }", RuleIds.WrongYear)]
    public void Read_Malformed_Finding(string json, string ruleId)
    {
        var finding = Assert.Single(Read(json).Findings);

        Assert.Equal(ruleId, finding.RuleId);
        Assert.NotNull(finding.Pointer);
    }
}
