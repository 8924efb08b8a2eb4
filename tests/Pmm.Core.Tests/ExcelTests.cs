using System.Globalization;
using System.IO.Compression;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;
using Pmm.Core.Catalogue;
using Pmm.Core.Submissions;
using Pmm.Core.Submissions.Excel;

using static Pmm.Core.Tests.WorkbookEdits;

namespace Pmm.Core.Tests;

/// <summary>The Excel template and the reader of filled-in templates.</summary>
public class ExcelTests
{
    const string CycleId = "2026-1";
    static readonly KpiCatalogue Catalogue = KpiCatalogue.LoadEmbedded();
    static readonly ExcelLimits Limits = new();

    // A template filled in with the values of the valid CSV reads as the same observations, without findings.
    [Fact]
    public void Read_TemplateFilledLikeValidCsv_SameObservationsAsCsv()
    {
        var csv = TestData.Read(TestData.ValidCsv());
        var xlsx = Fill(Template(), sheet =>
        {
            foreach (var o in csv.Observations)
            {
                SetNumber(sheet, ValueCell(o.ItemCode, o.Year), o.Value!.Value);
            }
        });

        var parsed = Read(xlsx);

        Assert.Empty(parsed.Findings);
        Assert.Equal(csv.Observations.Select(o => (o.ItemCode, o.Year, o.Value)), parsed.Observations.Select(o => (o.ItemCode, o.Year, o.Value)));
        Assert.Equal(Catalogue.Items.Count, parsed.DataRows);
        Assert.Equal($"Excel (.xlsx), sheet Data, years {TestData.Year}/{TestData.Year - 1}", parsed.Format);
        Assert.Equal($"Data!{ValueCell("AEO_COUNT", TestData.Year - 1)}", parsed.Observations.Single(o => o.ItemCode == "AEO_COUNT" && o.Year == TestData.Year - 1).Pointer);
    }

    // The template's header row, protection, unlocked value cells and hidden metadata are as the reader expects.
    [Fact]
    public void Create_Template_ProtectedWithHeaderAndMeta()
    {
        var bytes = Template();
        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var data = SheetPart(document, "Data");
        var styles = document.WorkbookPart!.WorkbookStylesPart!.Stylesheet!.CellFormats!.Elements<CellFormat>().ToList();
        bool Locked(string reference) => styles[(int)(CellAt(data, reference).StyleIndex?.Value ?? 0)].Protection?.Locked?.Value ?? true;

        Assert.True(data.Worksheet!.GetFirstChild<SheetProtection>()?.Sheet?.Value);
        Assert.Equal("Item code", Text(document, CellAt(data, "A1")));
        Assert.Equal("2025", Text(document, CellAt(data, "D1")));
        Assert.Equal("2024", Text(document, CellAt(data, "E1")));
        Assert.Equal("DECL_TOTAL", Text(document, CellAt(data, "A2")));
        Assert.True(Locked("A2"));
        Assert.False(Locked("D2"));
        Assert.True(Locked(ValueCell("DECL_TOTAL", TestData.Year - 1)));
        Assert.False(Locked(ValueCell("AEO_COUNT", TestData.Year - 1)));
        Assert.False(Locked("F2"));
        Assert.NotNull(data.Worksheet.GetFirstChild<DataValidations>());
        Assert.Equal(SheetStateValues.VeryHidden, document.WorkbookPart.Workbook!.Sheets!.Elements<Sheet>().Single(s => s.Name == "Meta").State?.Value);
        Assert.Equal(new ExcelTemplateInfo(CycleId, TestData.Year, "FR", "France", Catalogue.Version), ExcelSubmissionReader.ReadTemplateInfo(new MemoryStream(bytes), Limits));
    }

    // Status cells offer the two states as a dropdown (only "not available" where the catalogue forbids "not applicable"); the sheet Disclosure lists every KPI at its default level, with a dropdown of the catalogue's levels.
    [Fact]
    public void Create_Template_StatusAndDisclosureDropdowns()
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(Template()), false);
        var data = SheetPart(document, "Data");
        var disclosure = SheetPart(document, "Disclosure");
        var lists = data.Worksheet!.Descendants<DataValidation>().Where(v => v.Type?.Value == DataValidationValues.List).ToList();
        string ListFor(string cell) => lists.Single(v => v.SequenceOfReferences!.InnerText!.Split(' ').Contains(cell)).Formula1!.Text;
        var disclosureList = Assert.Single(disclosure.Worksheet!.Descendants<DataValidation>());

        Assert.Equal("Status 2025", Text(document, CellAt(data, "F1")));
        Assert.Equal("Status 2024", Text(document, CellAt(data, "G1")));
        Assert.Equal("\"not applicable,not available\"", ListFor(CorpusTests.RowCell("SHIPMENTS_ECOM", ExcelTemplate.DataColumns.Status)));
        Assert.Equal("\"not available\"", ListFor(CorpusTests.RowCell("DECL_TOTAL", ExcelTemplate.DataColumns.Status)));
        Assert.Equal("\"not applicable,not available\"", ListFor(CorpusTests.RowCell("CUSTOMS_REVENUE", ExcelTemplate.DataColumns.PreviousStatus)));
        Assert.Equal($"\"{string.Join(",", Catalogue.DisclosureLevels)}\"", disclosureList.Formula1!.Text);
        Assert.Equal($"D2:D{Catalogue.Kpis.Count + 1}", disclosureList.SequenceOfReferences!.InnerText);
        Assert.True(disclosure.Worksheet.GetFirstChild<SheetProtection>()?.Sheet?.Value);
        Assert.All(Catalogue.Kpis.Select((k, i) => (k, Row: i + 2)), x =>
        {
            Assert.Equal(x.k.Code, Text(document, CellAt(disclosure, $"A{x.Row}")));
            Assert.Equal(x.k.Disclosure, Text(document, CellAt(disclosure, $"D{x.Row}")));
        });
    }

    // An untouched template's pre-set disclosure levels are the defaults: reading them changes nothing in the canonical form.
    [Fact]
    public void Read_TemplateWithDefaultLevels_SameHashAsCsv()
    {
        var bytes = Fill(Template(), sheet =>
        {
            foreach (var o in TestData.Read(TestData.ValidCsv()).Observations)
            {
                SetNumber(sheet, ValueCell(o.ItemCode, o.Year), o.Value!.Value);
            }
        });
        var parsed = Read(bytes);
        var csv = System.Text.Encoding.UTF8.GetBytes(TestData.ValidCsv());

        Assert.Equal(Catalogue.Kpis.Count, parsed.Disclosures.Count);
        Assert.Equal(SubmissionFormats.ContentHash(TestData.Read(TestData.ValidCsv()), csv, Catalogue), SubmissionFormats.ContentHash(parsed, bytes, Catalogue));
    }

    // The template is a valid SpreadsheetML document (what Excel opens without a repair prompt).
    [Fact]
    public void Create_Template_PassesOpenXmlValidation()
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(Template()), false);

        var errors = new OpenXmlValidator(FileFormatVersions.Office2016).Validate(document).Select(e => $"{e.Path?.XPath}: {e.Description}");

        Assert.Empty(errors);
    }

    // Text that is not a number is reported at its cell, and the item still counts as given.
    [Fact]
    public void Read_TextNotANumber_FindingAtCell()
    {
        var cell = ValueCell("DECL_ELECTRONIC", TestData.Year);
        var xlsx = Fill(Template(), sheet =>
        {
            SetNumber(sheet, ValueCell("DECL_TOTAL", TestData.Year), 1000);
            SetInlineText(sheet, cell, "12x");
        });

        var parsed = Read(xlsx);

        var finding = Assert.Single(parsed.Findings);
        Assert.Equal(RuleIds.NotANumber, finding.RuleId);
        Assert.Equal($"Data!{cell}", finding.Pointer);
        Assert.Equal("12x", finding.Found);
        Assert.Equal("DECL_ELECTRONIC", finding.ItemCode);
        Assert.Contains(parsed.Observations, o => o.ItemCode == "DECL_ELECTRONIC" && o.Value is null && o.Pointer == $"Data!{cell}");
    }

    // A number typed into a text-formatted cell (a shared string) reads as the number.
    [Fact]
    public void Read_NumberStoredAsSharedString_Read()
    {
        var xlsx = Fill(Template(), sheet => SetSharedText(sheet, ValueCell("TRADE_VALUE", TestData.Year), "5 000 000.5"));

        var parsed = Read(xlsx);

        Assert.Empty(parsed.Findings);
        Assert.Equal(5000000.5m, Assert.Single(parsed.Observations).Value);
    }

    // A formula's saved result is used; a formula without one is reported as to be replaced by its value.
    [Fact]
    public void Read_Formulas_CachedValueUsedOtherwiseFinding()
    {
        var withResult = ValueCell("DECL_TOTAL", TestData.Year);
        var withoutResult = ValueCell("DECL_ELECTRONIC", TestData.Year);
        var xlsx = Fill(Template(), sheet =>
        {
            CellAt(sheet, withResult).Append(new CellFormula("600+400"), new CellValue("1000"));
            CellAt(sheet, withoutResult).Append(new CellFormula("D2-15"));
        });

        var parsed = Read(xlsx);

        var finding = Assert.Single(parsed.Findings);
        Assert.Equal(RuleIds.NotANumber, finding.RuleId);
        Assert.Equal($"Data!{withoutResult}", finding.Pointer);
        Assert.Contains("formula", finding.Message, StringComparison.Ordinal);
        Assert.Equal(1000m, parsed.Observations.Single(o => o.ItemCode == "DECL_TOTAL").Value);
    }

    // Excel's 17-digit rendering of a typed decimal (0.1 saved as 0.10000000000000001) reads as typed.
    [Fact]
    public void Read_DoubleRendering_ReadAsTyped()
    {
        var xlsx = Fill(Template(), sheet => CellAt(sheet, ValueCell("TRADE_VALUE", TestData.Year)).CellValue = new CellValue("5000000.4999999991"));

        Assert.Equal(5000000.5m, Assert.Single(Read(xlsx).Observations).Value);
    }

    // Random bytes are refused as not an Excel file, without an exception.
    [Fact]
    public void Read_NotAZip_FileUnreadable()
    {
        var bytes = new byte[4096];
        new Random(42).NextBytes(bytes);

        var finding = Assert.Single(Read(bytes).Findings);

        Assert.Equal(RuleIds.FileUnreadable, finding.RuleId);
        Assert.Contains("not an Excel .xlsx file", finding.Message, StringComparison.Ordinal);
    }

    // A zip bomb (60 MB of zeros in a ~60 KB zip) is refused from the zip's directory, before anything is expanded.
    [Fact]
    public void Read_ZipBomb_RefusedWithoutExpanding()
    {
        var bomb = Zip(zip =>
        {
            using var entry = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 60; i++)
            {
                entry.Write(zeros);
            }
        });

        var finding = Assert.Single(Read(bomb).Findings);

        Assert.True(bomb.Length < 1024 * 1024, $"the bomb is {bomb.Length} bytes");
        Assert.Equal(RuleIds.FileUnreadable, finding.RuleId);
        Assert.Contains("expands to more than 50 MB", finding.Message, StringComparison.Ordinal);
    }

    // A zip with more parts than allowed is refused.
    [Fact]
    public void Read_TooManyEntries_FileUnreadable()
    {
        var many = Zip(zip =>
        {
            for (var i = 0; i < 1001; i++)
            {
                using var entry = zip.CreateEntry($"part{i}.xml").Open();
                entry.WriteByte((byte)'x');
            }
        });

        var finding = Assert.Single(Read(many).Findings);

        Assert.Equal(RuleIds.FileUnreadable, finding.RuleId);
        Assert.Contains("1001 parts", finding.Message, StringComparison.Ordinal);
    }

    // An Excel 97-2003 (.xls) or password-protected file is refused with advice to save as .xlsx.
    [Fact]
    public void Read_LegacyXls_RefusedWithAdvice()
    {
        byte[] xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];

        var finding = Assert.Single(Read(xls).Findings);

        Assert.Equal(RuleIds.FileUnreadable, finding.RuleId);
        Assert.Contains(".xlsx", finding.Hint, StringComparison.Ordinal);
    }

    // A valid zip that is not a workbook (e.g. a renamed archive) is refused, not thrown.
    [Fact]
    public void Read_ZipNotWorkbook_FileUnreadable()
    {
        var zip = Zip(z =>
        {
            using var writer = new StreamWriter(z.CreateEntry("readme.txt").Open());
            writer.Write("hello");
        });

        Assert.Equal(RuleIds.FileUnreadable, Assert.Single(Read(zip).Findings).RuleId);
    }

    // A template sent back without any value is an empty submission.
    [Fact]
    public void Read_EmptyTemplate_FileEmpty()
    {
        var parsed = Read(Template());

        var finding = Assert.Single(parsed.Findings);
        Assert.Equal(RuleIds.FileEmpty, finding.RuleId);
        Assert.Empty(parsed.Observations);
    }

    // Rows that omit their empty cells (sparse XML, as Excel writes them) are read by cell reference, not position.
    [Fact]
    public void Read_SparseRowOnlyPreviousYear_OneObservationForTMinus1()
    {
        var cell = ValueCell("AEO_COUNT", TestData.Year - 1);
        var xlsx = Fill(Template(), sheet =>
        {
            SetNumber(sheet, cell, 100);
            foreach (var empty in sheet.Worksheet!.Descendants<Cell>().Where(c => c.CellValue is null && c.InlineString is null).ToList())
            {
                empty.Remove();
            }
        });

        var parsed = Read(xlsx);

        Assert.Empty(parsed.Findings);
        var observation = Assert.Single(parsed.Observations);
        Assert.Equal(("AEO_COUNT", TestData.Year - 1, (decimal?)100m, $"Data!{cell}"), (observation.ItemCode, observation.Year, observation.Value, observation.Pointer));
    }

    // A changed year heading is reported at its cell.
    [Fact]
    public void Read_HeaderYearChanged_FindingAtD1()
    {
        var xlsx = Fill(Template(), sheet =>
        {
            SetInlineText(sheet, "D1", "Year");
            SetNumber(sheet, "D2", 1000);
        });

        var finding = Assert.Single(Read(xlsx).Findings);

        Assert.Equal(RuleIds.HeaderMissingColumn, finding.RuleId);
        Assert.Equal("Data!D1", finding.Pointer);
        Assert.Equal("Year", finding.Found);
    }

    // A workbook without the sheet "Data" is refused with a finding naming the workbook.
    [Fact]
    public void Read_NoDataSheet_Finding()
    {
        var xlsx = Fill(Template(), _ => { }, document => document.WorkbookPart!.Workbook!.Sheets!.Elements<Sheet>().Single(s => s.Name == "Data").Name = "Values");

        var finding = Assert.Single(Read(xlsx).Findings);

        Assert.Equal("workbook", finding.Pointer);
        Assert.Contains("'Data'", finding.Message, StringComparison.Ordinal);
    }

    static byte[] Template() => ExcelTemplate.Create(Catalogue, CycleId, TestData.Year, "FR", "France");

    static ParsedSubmission Read(byte[] xlsx) => ExcelSubmissionReader.Read(new MemoryStream(xlsx), Limits);

    /// <summary>The cell of an item's value for a year: column D for the reporting year, E for the year before.</summary>
    static string ValueCell(string itemCode, int year)
    {
        var row = Catalogue.Items.Select(i => i.Code).ToList().IndexOf(itemCode) + 2;
        Assert.True(row >= 2, $"{itemCode} is not in the catalogue");
        return (year == TestData.Year ? "D" : "E") + row.ToString(CultureInfo.InvariantCulture);
    }

    static string Text(SpreadsheetDocument document, Cell cell) => cell.DataType?.Value == CellValues.SharedString
        ? document.WorkbookPart!.SharedStringTablePart!.SharedStringTable!.Elements<SharedStringItem>().ElementAt(int.Parse(cell.CellValue!.Text, CultureInfo.InvariantCulture)).InnerText
        : cell.CellValue?.Text ?? "";

}
