using System.Text;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Tests;

/// <summary>The same data in the CSV dialects NCPs' tools produce reads the same.</summary>
public class CsvDialectTests
{
    static readonly IReadOnlyList<Observation> Expected = TestData.Read(TestData.ValidCsv()).Observations;

    // A European Excel export: semicolons, decimal commas, grouped thousands.
    [Fact]
    public void Read_SemicolonDecimalComma_SameObservations()
    {
        var csv = TestData.ValidCsv(";").Replace("5000000.5", "5.000.000,5", StringComparison.Ordinal).Replace("2500000.25", "2 500 000,25", StringComparison.Ordinal);

        var parsed = TestData.Read(csv);

        Assert.Empty(parsed.Findings);
        Assert.Equal(Expected, parsed.Observations);
        Assert.Equal("CSV, UTF-8, separator ';', decimal mark ','", parsed.Format);
    }

    // UTF-8 with a byte order mark (Excel's "CSV UTF-8") and UTF-16 (Excel's "Unicode text") read the same.
    [Theory]
    [InlineData("utf8bom", "UTF-8 with BOM")]
    [InlineData("utf16le", "UTF-16 LE")]
    [InlineData("utf16be", "UTF-16 BE")]
    public void Read_Encodings_SameObservations(string encoding, string reported)
    {
        Encoding enc = encoding switch
        {
            "utf8bom" => new UTF8Encoding(true),
            "utf16le" => new UnicodeEncoding(false, true),
            _ => new UnicodeEncoding(true, true),
        };
        var bytes = enc.GetPreamble().Concat(enc.GetBytes(TestData.ValidCsv("\t"))).ToArray();

        var parsed = CsvSubmissionReader.Read(new MemoryStream(bytes));

        Assert.Empty(parsed.Findings);
        Assert.Equal(Expected, parsed.Observations);
        Assert.StartsWith($"CSV, {reported}, separator 'tab'", parsed.Format, StringComparison.Ordinal);
    }

    // A file saved in a legacy code page is refused with advice on how to save it, not misread.
    [Fact]
    public void Read_Latin1_RefusedWithAdvice()
    {
        var bytes = Encoding.Latin1.GetBytes("item,year,value\nDECL_TOTAL,2025,1\n# Côte d'Ivoire\n");

        var finding = Assert.Single(CsvSubmissionReader.Read(new MemoryStream(bytes)).Findings);

        Assert.Equal(RuleIds.FileUnreadable, finding.RuleId);
        Assert.Contains("0xF4", finding.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", finding.Hint, StringComparison.Ordinal);
    }

    // In a point-decimal file, a decimal comma is an error whose hint names the file's decimal mark.
    [Fact]
    public void Read_CommaInPointFile_HintNamesMark()
    {
        var parsed = TestData.Read("item,year,value\nDECL_TOTAL,2025,1000.5\nTRADE_VALUE,2025,\"12,34\"\n");

        var finding = Assert.Single(parsed.Findings);
        Assert.Equal(RuleIds.NotANumber, finding.RuleId);
        Assert.Contains("'.'", finding.Hint, StringComparison.Ordinal);
    }
}
