using System.IO.Compression;
using System.Text;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats.Excel;
using Pmm.Core.Submissions;
using static Pmm.Core.Tests.WorkbookEdits;

namespace Pmm.Core.Tests;

/// <summary>
/// Workbooks that pass the zip checks but hold what no template can (millions of rows, cells, strings or elements, a
/// cell longer than Excel allows) are refused with one <see cref="RuleIds.FileBeyondLimits"/> finding pointing at the
/// first item past the limit, once reading reaches it. The inputs are generated here, small once zipped.
/// </summary>
public class ExcelLimitsTests
{
    static readonly ExcelLimits Limits = new();

    static byte[] Filled() => Fill(ExcelTemplate.Create(KpiCatalogue.Embedded, "2026-1", TestData.Year, "FR", "France"), CorpusTests.FillStates);

    static ParsedSubmission Read(byte[] xlsx) => ExcelSubmissionReader.Read(new MemoryStream(xlsx), Limits);

    /// <summary>
    /// The workbook with <paramref name="count"/> copies of <paramref name="element"/> written into a part just before
    /// <paramref name="before"/> (streamed, so that millions of rows cost no memory here either).
    /// </summary>
    internal static byte[] WithRepeated(byte[] xlsx, string entryName, string before, Func<int, string> element, int count) => Zip(target =>
    {
        using var source = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read);
        foreach (var entry in source.Entries)
        {
            string text;
            using (var reader = new StreamReader(entry.Open()))
            {
                text = reader.ReadToEnd();
            }

            using var writer = new StreamWriter(target.CreateEntry(entry.FullName, CompressionLevel.Optimal).Open(), new UTF8Encoding(false));
            var at = entry.FullName == entryName ? text.IndexOf(before, StringComparison.Ordinal) : -1;
            if (at < 0)
            {
                Assert.NotEqual(entryName, entry.FullName);
                writer.Write(text);
                continue;
            }

            writer.Write(text.AsSpan(0, at));
            for (var i = 0; i < count; i++)
            {
                writer.Write(element(i));
            }

            writer.Write(text.AsSpan(at));
        }
    });

    static int RowsIn(byte[] xlsx, string sheetName)
    {
        using var zip = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read);
        using var reader = new StreamReader(zip.GetEntry(SheetEntry(xlsx, sheetName))!.Open());
        var text = reader.ReadToEnd();
        return text.Split("<x:row ").Length - 1 + text.Split("<x:row>").Length - 1;
    }

    static Finding SingleBeyondLimits(byte[] xlsx)
    {
        var finding = Assert.Single(Read(xlsx).Findings);
        Assert.Equal(RuleIds.FileBeyondLimits, finding.RuleId);
        Assert.Equal(Severity.Error, finding.Severity);
        return finding;
    }

    // The row bomb: the Data sheet declares every row Excel has (to 1,048,576) after the template's, all empty. The file
    // is a few hundred KB zipped; it is refused at the first row past 10,000 rows, named by its own number.
    [Fact]
    public void Read_DataSheetDeclaresMillionRows_RefusedAtFirstRowPastLimit()
    {
        var filled = Filled();
        var xlsx = WithRepeated(filled, SheetEntry(filled, "Data"), "</x:sheetData>", i => $"<x:row r=\"{1000 + i}\"/>", 1_048_576 - 1000);
        Assert.True(xlsx.Length < 5 * 1024 * 1024, $"{xlsx.Length} bytes");

        var finding = SingleBeyondLimits(xlsx);

        var templateRows = RowsIn(filled, "Data");
        Assert.Equal($"Data!A{1000 + Limits.MaxRowsPerSheet - templateRows}", finding.Pointer);
        Assert.Contains("more than 10,000 rows", finding.Message, StringComparison.Ordinal);
    }

    // Millions of bare empty <row/> elements (no numbers) stop reading at the first one past the limit too.
    [Fact]
    public void Read_SheetDataWithMillionsOfEmptyRows_Stops()
    {
        var filled = Filled();
        var xlsx = WithRepeated(filled, SheetEntry(filled, "Data"), "</x:sheetData>", _ => "<x:row/>", 5_000_000);

        var finding = SingleBeyondLimits(xlsx);

        Assert.StartsWith("Data!A", finding.Pointer, StringComparison.Ordinal);
        Assert.Equal(Limits.MaxRowsPerSheet + 1, int.Parse(finding.Pointer![6..], System.Globalization.CultureInfo.InvariantCulture));
    }

    // Rows under the row limit but with more cells than any template has are refused at the first cell past the limit.
    [Fact]
    public void Read_TooManyCells_RefusedAtFirstCellPastLimit()
    {
        var filled = Filled();
        var xlsx = WithRepeated(filled, SheetEntry(filled, "Data"), "</x:sheetData>", i => $"<x:row r=\"{1000 + i}\">{string.Concat(Enumerable.Repeat("<x:c/>", 20))}</x:row>", 6000);

        var finding = SingleBeyondLimits(xlsx);

        Assert.Matches(@"^Data![A-Z]+\d+\z", finding.Pointer);
        Assert.Contains("more than 100,000 cells", finding.Message, StringComparison.Ordinal);
    }

    // More shared strings than the limit are refused, pointing at the shared string part.
    [Fact]
    public void Read_TooManySharedStrings_RefusedNamingThePart()
    {
        var xlsx = WithRepeated(Filled(), "xl/sharedStrings.xml", "</x:sst>", i => $"<x:si><x:t>{i}</x:t></x:si>", Limits.MaxSharedStrings + 1);

        var finding = SingleBeyondLimits(xlsx);

        Assert.Equal("/xl/sharedStrings.xml", finding.Pointer);
    }

    // Any part with more XML elements than the limit (here elements the reader does not even look at) stops reading there.
    [Fact]
    public void Read_PartWithTooManyElements_RefusedNamingThePart()
    {
        var filled = Filled();
        var data = SheetEntry(filled, "Data");
        var xlsx = WithRepeated(filled, data, "</x:sheetData>", _ => "<other/>", Limits.MaxElementsPerPart);

        var finding = SingleBeyondLimits(xlsx);

        Assert.Equal("/" + data, finding.Pointer);
        Assert.Contains("more than 500,000 XML elements", finding.Message, StringComparison.Ordinal);
    }

    // A cell longer than Excel's own limit (32,767 characters) is refused, pointing at the cell.
    [Fact]
    public void Read_CellLongerThanExcelAllows_RefusedAtTheCell()
    {
        var filled = Filled();
        var xlsx = WithRepeated(filled, SheetEntry(filled, "Data"), "</x:sheetData>", _ => $"<x:row r=\"1000\"><x:c r=\"I1000\" t=\"inlineStr\"><x:is><x:t>{new string('x', Limits.MaxStringLength + 1)}</x:t></x:is></x:c></x:row>", 1);

        var finding = SingleBeyondLimits(xlsx);

        Assert.Equal("Data!I1000", finding.Pointer);
    }

    // Under every limit, the same workbook with a few hundred extra empty rows reads as before.
    [Fact]
    public void Read_ExtraEmptyRowsUnderLimit_ReadAsBefore()
    {
        var filled = Filled();
        var xlsx = WithRepeated(filled, SheetEntry(filled, "Data"), "</x:sheetData>", i => $"<x:row r=\"{1000 + i}\"/>", 500);

        Assert.Equal(Read(filled).Observations.Count, Read(xlsx).Observations.Count);
        Assert.Empty(Read(xlsx).Findings);
    }

    // A row with an empty number (r="") made the SDK-compatible reader throw "Nullable object must have a value.",
    // which reached the user as the finding's message; it is now a damaged-row finding pointing at the row.
    [Theory]
    [InlineData("")]
    [InlineData("x7")]
    public void Read_RowWithBadNumber_PointedFindingWithoutExceptionText(string number)
    {
        var filled = Filled();
        var xlsx = WithRepeated(filled, SheetEntry(filled, "Data"), "</x:sheetData>", _ => $"<x:row r=\"{number}\"/>", 1);

        var finding = Assert.Single(Read(xlsx).Findings);

        Assert.Equal(RuleIds.FileUnreadable, finding.RuleId);
        Assert.DoesNotContain("Nullable", finding.Message, StringComparison.Ordinal);
        Assert.Contains("row number", finding.Message, StringComparison.Ordinal);
        Assert.StartsWith("Data!A", finding.Pointer, StringComparison.Ordinal);
    }

    // An unreadable workbook's finding never quotes the library's exception: a broken zip or XML gets a sentence of ours.
    [Theory]
    [InlineData("xml")]
    [InlineData("relationship")]
    public void Read_DamagedWorkbook_NoExceptionText(string damage)
    {
        var filled = Filled();
        var xlsx = damage == "xml"
            ? EditParts(filled, (name, xml) => name == "xl/workbook.xml" ? xml.Replace("</x:sheets>", "</x:sheet>", StringComparison.Ordinal) : xml)
            : EditParts(filled, (name, xml) => name == "xl/_rels/workbook.xml.rels" ? xml.Replace("Id=\"", "Id=\"1", StringComparison.Ordinal) : xml);

        var finding = Assert.Single(Read(xlsx).Findings);

        Assert.Equal(RuleIds.FileUnreadable, finding.RuleId);
        Assert.StartsWith("The file could not be read as an Excel workbook: ", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ID", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tag", finding.Message, StringComparison.Ordinal);
    }
}
