using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Formats.Excel;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;
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

    // A DTD (here declaring an entity) in any part the reader opens is refused as unreadable, never processed.
    [Theory]
    [InlineData("[Content_Types].xml")]
    [InlineData("_rels/.rels")]
    [InlineData("xl/_rels/workbook.xml.rels")]
    [InlineData("xl/workbook.xml")]
    [InlineData("xl/sharedStrings.xml")]
    [InlineData("Data")]
    [InlineData("Disclosure")]
    [InlineData("Meta")]
    public void Read_DoctypeInPart_UnreadableNotProcessed(string part)
    {
        var filled = Filled();
        var entry = part.Contains('/', StringComparison.Ordinal) || part.StartsWith('[') ? part : SheetEntry(filled, part);
        var xlsx = EditParts(filled, (name, xml) => name == entry ? WithDoctype(xml) : xml);

        var finding = Assert.Single(Read(xlsx).Findings);

        Assert.Equal(RuleIds.FileUnreadable, finding.RuleId);
        Assert.Equal("workbook", finding.Pointer);
        Assert.Contains("DTD", finding.Message, StringComparison.Ordinal);
        Assert.Equal(part is "Data" or "Disclosure", ExcelSubmissionReader.ReadTemplateInfo(new MemoryStream(xlsx), Limits) is not null);
    }

    // A workbook saved as Strict Open XML (ISO 29500 namespaces and relationship types) reads as its Transitional twin; Strict namespaces in a package without a Strict relationship are not SpreadsheetML.
    [Fact]
    public void Read_StrictNamespaces_SameAsTransitional()
    {
        var filled = Filled();
        string ToStrict(string xml) => xml.Replace(MainNamespace, "http://purl.oclc.org/ooxml/spreadsheetml/main", StringComparison.Ordinal)
            .Replace("http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships", StringComparison.Ordinal);
        var strict = EditParts(filled, (_, xml) => ToStrict(xml));
        var strictPartsOnly = EditParts(filled, (name, xml) => name.EndsWith(".rels", StringComparison.Ordinal) ? xml : ToStrict(xml));

        Assert.Equal(Summary(Read(filled)), Summary(Read(strict)));
        Assert.Equal(ExcelSubmissionReader.ReadTemplateInfo(new MemoryStream(filled), Limits), ExcelSubmissionReader.ReadTemplateInfo(new MemoryStream(strict), Limits));
        Assert.Equal(RuleIds.FileUnreadable, Assert.Single(Read(strictPartsOnly).Findings).RuleId);
    }

    // XML as Excel and other tools write it (default namespace, targets relative to the workbook, rows and cells without references) reads as the template does.
    [Fact]
    public void Read_OtherXmlStyles_SameObservations()
    {
        var filled = Filled();
        var xlsx = EditParts(filled, (name, xml) =>
        {
            var plain = xml.Replace("<x:", "<", StringComparison.Ordinal).Replace("</x:", "</", StringComparison.Ordinal).Replace("xmlns:x=", "xmlns=", StringComparison.Ordinal);
            return name == "xl/_rels/workbook.xml.rels" ? plain.Replace("Target=\"/xl/", "Target=\"", StringComparison.Ordinal)
                : name.StartsWith("xl/worksheets/", StringComparison.Ordinal) ? Regex.Replace(plain, "(<row|<c) r=\"[A-Z]*[0-9]+\"", "$1")
                : plain;
        });

        Assert.DoesNotContain(" r=\"D2\"", Text(xlsx, SheetEntry(filled, "Data")), StringComparison.Ordinal);
        Assert.Equal(Summary(Read(filled)), Summary(Read(xlsx)));
    }

    // Rich text reads as its runs' text together, without phonetic hints, in shared and inline strings alike.
    [Fact]
    public void Read_RichTextRuns_ReadAsTheirText()
    {
        var filled = Filled();
        var data = SheetEntry(filled, "Data");
        var xlsx = EditParts(filled, (name, xml) => name switch
        {
            "xl/sharedStrings.xml" => xml.Replace("<x:si><x:t>not applicable</x:t></x:si>", "<x:si><x:r><x:t xml:space=\"preserve\">not </x:t></x:r><x:r><x:rPr><x:b /></x:rPr><x:t>applicable</x:t></x:r><x:rPh sb=\"0\" eb=\"1\"><x:t>hint</x:t></x:rPh></x:si>", StringComparison.Ordinal),
            _ when name == data => xml.Replace(">No postal or courier e-commerce channel</x:t>", ">No postal or </x:t><x:r><x:t>courier</x:t></x:r>", StringComparison.Ordinal)
                .Replace("<x:is><x:t xml:space=\"preserve\">No postal or </x:t>", "<x:is><x:r><x:t xml:space=\"preserve\">No postal or </x:t></x:r>", StringComparison.Ordinal),
            _ => xml,
        });
        Assert.Contains("<x:r><x:t>courier</x:t></x:r>", Text(xlsx, data), StringComparison.Ordinal);
        Assert.Contains("<x:rPh", Text(xlsx, "xl/sharedStrings.xml"), StringComparison.Ordinal);

        var parsed = Read(xlsx);

        Assert.Empty(parsed.Findings);
        var ecom = parsed.Observations.Single(o => o.ItemCode == "SHIPMENTS_ECOM");
        Assert.Equal((ValueState.NotApplicable, "No postal or courier"), (ecom.State, ecom.Reason));
    }

    // A cell type SpreadsheetML does not have, a Data sheet whose content type is not a worksheet's, or a sheet relationship to nowhere makes the file unreadable, as the SDK refused it.
    [Theory]
    [InlineData("cell type")]
    [InlineData("content type")]
    [InlineData("missing part")]
    public void Read_InvalidPackage_Unreadable(string problem)
    {
        var filled = Filled();
        var data = SheetEntry(filled, "Data");
        var xlsx = EditParts(filled, (name, xml) => (problem, name) switch
        {
            ("cell type", _) when name == data => xml.Replace("<x:c r=\"D2\" s=\"2\">", "<x:c r=\"D2\" s=\"2\" t=\"number\">", StringComparison.Ordinal),
            ("content type", "[Content_Types].xml") => xml.Replace($"PartName=\"/{data}\"", "PartName=\"/elsewhere.xml\"", StringComparison.Ordinal),
            ("missing part", "xl/_rels/workbook.xml.rels") => xml.Replace($"/{data}\"", "/xl/worksheets/none.xml\"", StringComparison.Ordinal),
            _ => xml,
        });
        Assert.NotEqual(Text(filled, problem == "missing part" ? "xl/_rels/workbook.xml.rels" : problem == "content type" ? "[Content_Types].xml" : data), Text(xlsx, problem == "missing part" ? "xl/_rels/workbook.xml.rels" : problem == "content type" ? "[Content_Types].xml" : data));

        var finding = Assert.Single(Read(xlsx).Findings);

        Assert.Equal(RuleIds.FileUnreadable, finding.RuleId);
        Assert.Contains("could not be read as an Excel workbook", finding.Message, StringComparison.Ordinal);
    }

    // The relationships of every part reachable from the workbook are checked as the SDK checked them (a broken one of the sheet Data refuses the file); a relationship part nothing refers to is ignored.
    [Theory]
    [InlineData("xl/worksheets/_rels/{0}.rels", false)]
    [InlineData("other/_rels/{0}.rels", true)]
    public void Read_BrokenRelationshipPart_RefusedOnlyWhenReachable(string entry, bool readable)
    {
        var filled = Filled();
        var name = string.Format(CultureInfo.InvariantCulture, entry, Path.GetFileName(SheetEntry(filled, "Data")));
        var xlsx = WithEntry(filled, name, "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\"");

        var findings = Read(xlsx).Findings;

        Assert.Equal(readable, findings.Count == 0);
        Assert.True(readable || findings.Single().RuleId == RuleIds.FileUnreadable);
    }

    const string MainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    /// <summary>The template filled in with the corpus' states, reasons and comment (<see cref="CorpusTests.FillStates"/>).</summary>
    static byte[] Filled() => Fill(Template(), CorpusTests.FillStates);

    /// <summary>Everything a reader returns, as text to compare.</summary>
    static string Summary(ParsedSubmission parsed) => string.Join('\n', parsed.Findings.Select(f => $"{f.RuleId} {f.Pointer} {f.Message}")
        .Concat(parsed.Observations.Select(o => $"{o.ItemCode} {o.Year} {o.Value} {o.Pointer} {o.State} {o.StatePointer} {o.Reason} {o.ItemPointer}"))
        .Concat(parsed.Comments.Select(c => $"{c.ItemCode} {c.Text} {c.Pointer}"))
        .Concat(parsed.Disclosures.Select(d => $"{d.KpiCode} {d.Level} {d.Pointer}"))
        .Append($"{parsed.DataRows} {parsed.Format}"));

    static string WithDoctype(string xml)
    {
        const string Doctype = "<!DOCTYPE root [<!ENTITY value \"1000\">]>";
        var declaration = xml.IndexOf("?>", StringComparison.Ordinal);
        return declaration < 0 ? Doctype + xml : xml[..(declaration + 2)] + Doctype + xml[(declaration + 2)..];
    }

    /// <summary>The text of a zip entry.</summary>
    static string Text(byte[] xlsx, string entry)
    {
        using var zip = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read);
        using var reader = new StreamReader(zip.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
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
