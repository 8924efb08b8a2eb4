using System.Text;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

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

    // Item codes are shared between the rows that spell them the same, and each keeps its spelling and case as written.
    [Fact]
    public void Read_RepeatedItemCodes_SharedAndSpelledAsWritten()
    {
        var parsed = TestData.Read("item,year,value\ndecl_total,2025,1\nDECL_TOTAL,2024,2\nDECL_TOTAL,2025,3\nDecl_Total,2023,4\n");

        Assert.Equal(["decl_total", "DECL_TOTAL", "DECL_TOTAL", "Decl_Total"], parsed.Observations.Select(o => o.ItemCode));
        Assert.Same(parsed.Observations[1].ItemCode, parsed.Observations[2].ItemCode);
    }

    // Pointers made from line and column numbers read, compare, hash and print as the same pointers given as text, and `with` still sets them.
    [Fact]
    public void Read_Pointers_BehaveAsText()
    {
        var read = TestData.Read(TestData.ValidCsv()).Observations[0];
        var text = new Observation("DECL_TOTAL", 2025, 1000m, "line 2", 2) { ItemPointer = "line 2, column 1", YearPointer = "line 2, column 2", ValuePointer = "line 2, column 3" };

        Assert.Equal(text, read);
        Assert.Equal(text.GetHashCode(), read.GetHashCode());
        Assert.Equal(text.ToString(), read.ToString());
        Assert.Equal(("line 2", "line 2, column 3"), (read.Pointer, read.ValuePointer));
        Assert.Equal(text with { ValuePointer = null }, read with { ValuePointer = null });
        Assert.NotEqual(text, read with { ValuePointer = "line 9, column 3" });
        Assert.Equal(("line 9, column 3", "line 2, column 1"), ((read with { ValuePointer = "line 9, column 3" }).ValuePointer, (read with { ValuePointer = "line 9, column 3" }).ItemPointer));
        Assert.NotEqual(text, read with { Pointer = "line 3" });
    }

    // A line whose status cannot be read still counts its item as given, pointing at the item and year but at no value.
    [Fact]
    public void Read_UnknownStatus_ObservationWithoutValuePointer()
    {
        var parsed = TestData.Read("item,year,value,status\nDECL_TOTAL,2025,1,n/a\n");

        Assert.Equal(RuleIds.UnknownState, Assert.Single(parsed.Findings).RuleId);
        Assert.Equal(new Observation("DECL_TOTAL", 2025, null, "line 2", 2) { ItemPointer = "line 2, column 1", YearPointer = "line 2, column 2" }, Assert.Single(parsed.Observations));
    }

    // When the values vote for the decimal mark the separator does not suggest, the file reads with the voted mark
    // throughout, including the values before the vote that read differently with the other mark ("1,234", "1.234").
    [Theory]
    [InlineData("item,year,value\nDECL_TOTAL,2025,\"1,234\"\nDECL_TOTAL,2024,\"1,234\"\nTRADE_VALUE,2025,\"2,5\"\n", "CSV, UTF-8, separator ',', decimal mark ','")]
    [InlineData("item;year;value\nDECL_TOTAL;2025;1.234\nDECL_TOTAL;2024;1.234\nTRADE_VALUE;2025;2.5\n", "CSV, UTF-8, separator ';', decimal mark '.'")]
    public void Read_MarkVotedAgainstSeparator_ValuesReadWithVotedMark(string csv, string format)
    {
        var parsed = TestData.Read(csv);

        Assert.Empty(parsed.Findings);
        Assert.Equal([1.234m, 1.234m, 2.5m], parsed.Observations.Select(o => o.Value!.Value));
        Assert.Equal(format, parsed.Format);
    }

    // A UTF-16 file read a second time (its values vote for the point a tab-separated file does not suggest) is read again from after its byte order mark.
    [Fact]
    public void Read_Utf16MarkVotedAgainstSeparator_ReadAgainAfterBom()
    {
        var encoding = new UnicodeEncoding(false, true);
        var bytes = encoding.GetPreamble().Concat(encoding.GetBytes(TestData.ValidCsv("\t"))).ToArray();

        var parsed = CsvSubmissionReader.Read(new MemoryStream(bytes));

        Assert.Empty(parsed.Findings);
        Assert.Equal(TestData.Read(TestData.ValidCsv()).Observations, parsed.Observations);
        Assert.Equal("CSV, UTF-16 LE, separator 'tab', decimal mark '.'", parsed.Format);
    }

    // Findings on the shape of lines come before those on years, statuses and values, whatever their lines.
    [Fact]
    public void Read_ShapeAndValueFindings_ShapeFirst()
    {
        var parsed = TestData.Read("item,year,value\nDECL_TOTAL,20x5,1\nDECL_ELECTRONIC,2025\nAEO_COUNT,2025,12x\n");

        Assert.Equal([(RuleIds.RowShape, 3), (RuleIds.WrongYear, 2), (RuleIds.NotANumber, 4)], parsed.Findings.Select(f => (f.RuleId, f.Line!.Value)));
    }

    // A quote never closed would swallow the rest of the file: the file is refused with one finding at the line and
    // column of the quote to blame, counting line breaks inside earlier quoted fields of the row and CR or CRLF endings.
    // A stray quote inside a value is blamed rather than a later, well-formed one that Sep pairs with it.
    [Theory]
    [InlineData("item,year,value\nDECL_TOTAL,2025,1000\nDECL_ELECTRONIC,2025,\"985\nAEO_COUNT,2025,120\n", 3, 3, "DECL_ELECTRONIC,2025,\"985", false)]
    [InlineData("item,year,value\r\nDECL_TOTAL,2025,1000\r\nAEO_COUNT,2025,12\"0\r\n", 3, 3, "AEO_COUNT,2025,12\"0", true)]
    [InlineData("item,year,value\rDECL_TOTAL,2025,1000\r\"AEO_COUNT,2025,120\r", 3, 1, "\"AEO_COUNT,2025,120", false)]
    [InlineData("item,year,value,comment\nDECL_TOTAL,2025,1000,ok\nDECL_ELECTRONIC,\"20\r\n25\",985,\"unclosed\nAEO_COUNT,2025,120\n", 4, 4, "25\",985,\"unclosed", false)]
    [InlineData("item;year;value\nDECL_TOTAL;2025;\"1000", 2, 3, "DECL_TOTAL;2025;\"1000", false)]
    [InlineData("item,year,value,reason\nDECL_TOTAL,20\"25,1,\nAEO_COUNT,2025,1,\"a, b\"\nAEO_COUNT,2024,1,\"c \"\"d\"\"\"\n", 2, 2, "DECL_TOTAL,20\"25,1,", true)]
    public void Read_UnclosedQuote_OneFindingWhereItOpens(string csv, int line, int column, string found, bool stray)
    {
        var parsed = TestData.Read(csv);

        var finding = Assert.Single(parsed.Findings);
        Assert.Equal((RuleIds.FileUnreadable, Severity.Error), (finding.RuleId, finding.Severity));
        Assert.Equal(($"line {line}, column {column}", line, column, found), (finding.Pointer, finding.Line, finding.Column, finding.Found));
        Assert.Contains($"{(stray ? "in" : "starts")} the value on line {line}, column {column} is never closed", finding.Message, StringComparison.Ordinal);
        Assert.StartsWith(stray ? "A quote inside a value must be written twice" : "A value starts with a quote that is never closed; close it or remove it.", finding.Hint, StringComparison.Ordinal);
        Assert.Empty(parsed.Observations);
    }

    // In a file too large for Sep to hold the swallowed rest as one row (16 Mi characters), the unclosed quote is still one finding, at the line where that row starts.
    [Fact]
    public void Read_UnclosedQuoteInLargeFile_OneFindingAtItsLine()
    {
        var csv = new StringBuilder("item,year,value\nDECL_TOTAL,2025,1000\nDECL_ELECTRONIC,2025,\"985\n");
        while (csv.Length < 17_000_000)
        {
            csv.Append("AEO_COUNT,2025,120\n");
        }

        var parsed = TestData.Read(csv.ToString());

        var finding = Assert.Single(parsed.Findings);
        Assert.Equal((RuleIds.FileUnreadable, "line 3", 3), (finding.RuleId, finding.Pointer, finding.Line));
        Assert.Contains("never closed", finding.Message, StringComparison.Ordinal);
        Assert.Empty(parsed.Observations);
    }
}
