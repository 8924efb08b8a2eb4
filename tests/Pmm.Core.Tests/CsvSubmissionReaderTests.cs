using Pmm.Core.Submissions;

namespace Pmm.Core.Tests;

public class CsvSubmissionReaderTests
{
    // Comma and semicolon files give the same observations; headers are case-insensitive.
    [Theory]
    [InlineData(",")]
    [InlineData(";")]
    [InlineData("\t")]
    public void Read_Separators_GiveSameObservations(string separator)
    {
        var parsed = TestData.Read(TestData.ValidCsv(separator).Replace("item", "ITEM", StringComparison.Ordinal));

        Assert.Empty(parsed.Findings);
        Assert.Equal(6, parsed.Observations.Count);
        Assert.Equal(new Observation("DECL_TOTAL", 2025, 1000m, "line 2", 2) { ItemPointer = "line 2, column 1", YearPointer = "line 2, column 2", ValuePointer = "line 2, column 3" }, parsed.Observations[0]);
        Assert.Equal(5000000.5m, parsed.Observations[4].Value);
    }

    // A missing column is reported on line 1 with what was found and what is expected.
    [Fact]
    public void Read_MissingValueColumn_ReportsHeader()
    {
        var parsed = TestData.Read("item,year,amount\nDECL_TOTAL,2025,1\n");

        var finding = Assert.Single(parsed.Findings);
        Assert.Equal(RuleIds.HeaderMissingColumn, finding.RuleId);
        Assert.Equal(1, finding.Line);
        Assert.Equal("item,year,amount", finding.Found);
    }

    // A value that is not a number is pointed at by line and column, and the line still counts as given.
    [Fact]
    public void Read_NotANumber_PointsAtLineAndColumn()
    {
        var parsed = TestData.Read("item,year,value\nDECL_TOTAL,2025,1000\nDECL_ELECTRONIC,2025,12x0\n");

        var finding = Assert.Single(parsed.Findings);
        Assert.Equal(RuleIds.NotANumber, finding.RuleId);
        Assert.Equal((3, 3), (finding.Line!.Value, finding.Column!.Value));
        Assert.Equal("line 3, column 3", finding.Pointer);
        Assert.Equal("12x0", finding.Found);
        Assert.Contains(parsed.Observations, o => o.ItemCode == "DECL_ELECTRONIC" && o.Value is null);
    }

    // An empty file, or a header without rows, is an error: never "accepted" with zero values.
    [Theory]
    [InlineData("")]
    [InlineData("item,year,value\n")]
    [InlineData("item,year,value\n\n\n")]
    public void Read_NoDataRows_IsAnError(string csv)
    {
        var parsed = TestData.Read(csv);

        Assert.Contains(parsed.Findings, f => f.RuleId == RuleIds.FileEmpty);
        Assert.Empty(parsed.Observations);
    }

    // Quoted fields are unescaped.
    [Fact]
    public void Read_QuotedFields_AreUnescaped()
    {
        var parsed = TestData.Read("\"item\",\"year\",\"value\"\n\"DECL_TOTAL\",\"2025\",\"42\"\n");

        Assert.Empty(parsed.Findings);
        Assert.Equal(42m, Assert.Single(parsed.Observations).Value);
    }

    // Binary junk or an unclosed quote never throws: the file is refused with findings.
    [Theory]
    [InlineData("junk")]
    [InlineData("item,year,value\n\"DECL_TOTAL,2025,1\n")]
    public void Read_MalformedBytes_FindingsNotExceptions(string kind)
    {
        var bytes = kind == "junk" ? Enumerable.Range(0, 512).Select(i => (byte)(i * 37 % 256)).ToArray() : System.Text.Encoding.UTF8.GetBytes(kind);

        var parsed = CsvSubmissionReader.Read(new MemoryStream(bytes));

        Assert.Contains(parsed.Findings, f => f.Severity == Severity.Error);
        Assert.DoesNotContain(parsed.Observations, o => o.Value is not null);
    }
}
