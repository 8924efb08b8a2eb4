using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Formats.Excel;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;
using static Pmm.Core.Tests.WorkbookEdits;

namespace Pmm.Core.Tests;

/// <summary>
/// A corpus of real-world bad (and a few good) submission files in every format, each with the findings
/// and verdict it must produce, listed in Corpus/manifest.json. Excel files are mostly built here at test
/// time from the template (entries marked "generated"), so that no large binary is committed.
/// </summary>
public class CorpusTests
{
    const int ReportingYear = 2025;
    const string CycleId = "2026-1";
    const string ManifestFile = "manifest.json";

    static readonly KpiCatalogue Catalogue = KpiCatalogue.LoadEmbedded();
    static readonly SubmissionValidator Validator = new(Catalogue);
    static readonly string CorpusDirectory = Path.Combine(AppContext.BaseDirectory, "Corpus");

    static readonly JsonSerializerOptions ManifestOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    static readonly Lazy<IReadOnlyList<CorpusEntry>> LazyManifest = new(() =>
        JsonSerializer.Deserialize<List<CorpusEntry>>(File.ReadAllText(Path.Combine(CorpusDirectory, ManifestFile)), ManifestOptions)
        ?? throw new InvalidDataException($"{ManifestFile} is empty."));

    /// <summary>
    /// Every rule id of <see cref="RuleIds"/> a file alone can trigger, i.e. all of them except those that need other
    /// Members' data or a failure of the system. A new rule id without a corpus file fails the coverage test.
    /// </summary>
    /// <remarks>
    /// <see cref="RuleIds.TooManyFindings"/> is left out too: a file that triggers it has 201 findings, each of which an
    /// entry would have to declare; <see cref="BoundedFindingsTests"/> covers it on generated files.
    /// </remarks>
    static readonly string[] StructuralRuleIds = [.. typeof(RuleIds).GetFields()
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .Except([RuleIds.PeerOutlier, RuleIds.PeerItemOutlier, RuleIds.SystemError, RuleIds.TooManyFindings])];

    /// <summary>The formats in which every catalogue rule must have a corpus file; Excel needs one file per rule kind.</summary>
    static readonly string[] EveryRuleFormats = [SubmissionFormats.Csv, SubmissionFormats.Json];

    static IReadOnlyList<CorpusEntry> Manifest => LazyManifest.Value;

    /// <summary>The manifest's file names, shown as the test case names.</summary>
    public static TheoryData<string> Files() => new(Manifest.Select(e => e.File));

    // Each corpus file gives exactly the findings (rule, severity, pointer and, where listed, item, found text) and the verdict its manifest entry declares.
    [Theory]
    [MemberData(nameof(Files))]
    public void Validate_CorpusFile_FindingsAndStatusAsDeclared(string file)
    {
        var (entry, result) = Validate(file);

        var mismatch = Mismatch(entry, result);

        Assert.True(mismatch is null, mismatch);
    }

    // The corpus is big enough, exercises every rule id a file can trigger (and a did-you-mean), triggers each catalogue rule alone in a CSV and a JSON file and each rule kind in an Excel file, and has files in all three formats (with good files in each).
    [Fact]
    public void Manifest_Corpus_CoversEveryFileRuleAndFormat()
    {
        var entries = Manifest;
        var covered = entries.SelectMany(e => e.Expected).Select(f => f.RuleId).ToHashSet();
        var catalogueRuleIds = Catalogue.Rules.Select(r => r.Id).ToList();

        Assert.True(entries.Count >= 45, $"the corpus has {entries.Count} entries");
        Assert.Empty(StructuralRuleIds.Concat(catalogueRuleIds).Except(covered).Order(StringComparer.Ordinal));
        Assert.Empty(covered.Except(StructuralRuleIds.Concat(catalogueRuleIds)).Order(StringComparer.Ordinal));
        Assert.All(EveryRuleFormats, format => Assert.Empty(catalogueRuleIds.Except(RuleIdsIn(format)).Order(StringComparer.Ordinal)));
        var excelRuleIds = RuleIdsIn(SubmissionFormats.Xlsx);
        Assert.Empty(Catalogue.Rules.Select(r => r.Kind).Except(Catalogue.Rules.Where(r => excelRuleIds.Contains(r.Id)).Select(r => r.Kind)).Order(StringComparer.Ordinal));
        Assert.Contains(entries.SelectMany(e => e.Expected), f => f.RuleId == RuleIds.UnknownItem && f.Expected is not null && f.MessageContains is not null);
        Assert.Equal(SubmissionFormats.MediaTypes.Order(StringComparer.Ordinal), entries.Select(e => e.MediaType).Distinct().Order(StringComparer.Ordinal));
        Assert.All(SubmissionFormats.MediaTypes, m => Assert.Contains(entries, e => e.MediaType == m && e.Status == ValidationStatus.Accepted));
        Assert.Equal(entries.Count, entries.Select(e => e.File).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(entries, e => Assert.Equal(e.Status == ValidationStatus.Accepted, e.Expected.Count == 0));
        Assert.All(entries, e => Assert.False(string.IsNullOrWhiteSpace(e.Description), e.File));
    }

    /// <summary>The rule ids that corpus files of one format trigger alone: entries whose declared findings all have that one rule id (known issues left out).</summary>
    static HashSet<string> RuleIdsIn(string mediaType) => Manifest
        .Where(e => e.MediaType == mediaType)
        .Select(e => e.Expected.Select(f => f.RuleId).Distinct().ToList())
        .Where(ids => ids.Count == 1)
        .Select(ids => ids[0])
        .ToHashSet(StringComparer.Ordinal);

    // Every file under Corpus/ is in the manifest, every listed file exists (or has a generator), and no committed file is bigger than 100 KB.
    [Fact]
    public void Manifest_CorpusDirectory_NoOrphanOrMissingFiles()
    {
        var onDisk = Directory.EnumerateFiles(CorpusDirectory, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(CorpusDirectory, p).Replace('\\', '/'))
            .Where(p => p != ManifestFile)
            .ToHashSet(StringComparer.Ordinal);
        var committed = Manifest.Where(e => !e.Generated).Select(e => e.File).ToHashSet(StringComparer.Ordinal);
        var generated = Manifest.Where(e => e.Generated).Select(e => e.File).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(onDisk.Except(committed).Order(StringComparer.Ordinal));
        Assert.Empty(committed.Except(onDisk).Order(StringComparer.Ordinal));
        Assert.Empty(generated.Intersect(onDisk));
        Assert.Equal(Generators.Keys.Order(StringComparer.Ordinal), generated.Order(StringComparer.Ordinal));
        Assert.All(onDisk, f => Assert.True(new FileInfo(Path.Combine(CorpusDirectory, f)).Length <= 100 * 1024, $"{f} is over 100 KB"));
        Assert.All(Manifest, e => Assert.Equal(FormatOf(e.File), e.MediaType));
    }

    // The same states, reasons, comment and disclosure choices as CSV, JSON and the Excel template are one canonical form and one content hash.
    [Fact]
    public void GoodStatesFiles_AnyFormat_SameCanonicalFormAndHash()
    {
        var files = new[] { "csv/good-states-disclosure-comments.csv", "json/good-states-disclosure-comments.json", "xlsx/good-states-disclosure-comments.xlsx" };
        var read = files.Select(f => (Bytes: Bytes(Manifest.Single(e => e.File == f)), MediaType: FormatOf(f))).ToList();
        var parsed = read.Select(r => SubmissionFormats.Read(r.MediaType, new MemoryStream(r.Bytes))).ToList();
        var hashes = read.Zip(parsed, (r, p) => SubmissionFormats.ContentHash(p, r.Bytes, Catalogue)).ToList();
        var canonical = Validator.Validate(parsed[0], ReportingYear).Canonical!;

        Assert.All(hashes, h => Assert.Equal(hashes[0], h));
        Assert.Equal(canonical.Lines(), Validator.Validate(parsed[2], ReportingYear).Canonical!.Lines());
        Assert.Contains(new CanonicalValue("SHIPMENTS_ECOM", ReportingYear, null, ValueState.NotApplicable, "No postal or courier e-commerce channel"), canonical.Values);
        Assert.Contains(new CanonicalValue("DM_ELEMENTS_TOTAL", ReportingYear, null, ValueState.NotAvailable, "New data model not yet mapped"), canonical.Values);
        Assert.Equal("wco", canonical.Disclosure["TF-01"]);
        Assert.Equal("restricted", canonical.Disclosure["RC-01"]);
        Assert.Equal(Catalogue.Kpis.Single(k => k.Code == "TF-02").Disclosure, canonical.Disclosure["TF-02"]);
        Assert.Equal(Catalogue.Kpis.Count, canonical.Disclosure.Count);
        Assert.Equal("Includes simplified declarations; excludes transit, which is declared separately", canonical.Comments["DECL_TOTAL"]);
        Assert.NotEqual(hashes[0], SubmissionFormats.ContentHash(SubmissionFormats.Read(SubmissionFormats.Csv, new MemoryStream(read[0].Bytes[..^"RC-01,,,,,,Restricted\n".Length])), [], Catalogue));
    }

    static (CorpusEntry Entry, ValidationResult Result) Validate(string file)
    {
        var entry = Manifest.Single(e => e.File == file);
        using var content = new MemoryStream(Bytes(entry));
        return (entry, Validator.Validate(SubmissionFormats.Read(entry.MediaType, content), ReportingYear));
    }

    /// <summary>Why the result differs from the entry's declared findings (matched one to one) and verdict, or null when it does not.</summary>
    static string? Mismatch(CorpusEntry entry, ValidationResult result)
    {
        var actual = result.Findings.ToList();
        var report = $"{entry.File}: actual findings ({result.Status}){Environment.NewLine}{JsonSerializer.Serialize(actual.Select(Describe), ManifestOptions)}";
        if (!entry.Expected.Select(e => e.RuleId).ToHashSet().SetEquals(actual.Select(f => f.RuleId)))
        {
            return $"rule ids differ; {report}";
        }

        var unmatched = new List<Finding>(actual);
        foreach (var expected in entry.Expected)
        {
            var match = unmatched.FirstOrDefault(f => Matches(expected, f));
            if (match is null)
            {
                return $"no finding matches {JsonSerializer.Serialize(expected, ManifestOptions)}; {report}";
            }

            unmatched.Remove(match);
        }

        return unmatched.Count > 0 ? $"{unmatched.Count} finding(s) not declared; {report}"
            : result.Status != entry.Status ? $"status {result.Status}, declared {entry.Status}; {report}"
            : null;
    }

    static byte[] Bytes(CorpusEntry entry) => entry.Generated
        ? Generators[entry.File]()
        : File.ReadAllBytes(Path.Combine(CorpusDirectory, entry.File));

    static string FormatOf(string file) => Path.GetExtension(file) switch
    {
        ".csv" => SubmissionFormats.Csv,
        ".json" => SubmissionFormats.Json,
        ".xlsx" => SubmissionFormats.Xlsx,
        var other => other,
    };

    static bool Matches(ExpectedFinding expected, Finding finding) =>
        finding.RuleId == expected.RuleId
        && finding.Severity == expected.Severity
        && finding.Pointer == expected.Pointer
        && (expected.ItemCode is null || finding.ItemCode == expected.ItemCode)
        && (expected.Found is null || finding.Found == expected.Found)
        && (expected.Expected is null || finding.Expected == expected.Expected)
        && (expected.MessageContains is null || finding.Message.Contains(expected.MessageContains, StringComparison.Ordinal))
        && (expected.HintContains is null || finding.Hint.Contains(expected.HintContains, StringComparison.Ordinal));

    static ExpectedFinding Describe(Finding f) => new(f.RuleId, f.Severity, f.Pointer ?? "", f.ItemCode, f.Found, f.Expected, f.Message, f.Hint);

    /// <summary>One corpus file: committed under Corpus/, or built by <see cref="Generators"/> when <see cref="Generated"/>.</summary>
    sealed record CorpusEntry(string File, string MediaType, string Description, IReadOnlyList<ExpectedFinding> Expected, ValidationStatus Status, bool Generated = false);

    /// <summary>A finding the file must produce; optional fields are checked only when given.</summary>
    sealed record ExpectedFinding(string RuleId, Severity Severity, string Pointer, string? ItemCode = null, string? Found = null, string? Expected = null, string? MessageContains = null, string? HintContains = null);

    // ----- Excel files built at test time from the template -----

    /// <summary>The Excel files of the corpus that are built from the template at test time, by manifest name.</summary>
    static readonly Dictionary<string, Func<byte[]>> Generators = new(StringComparer.Ordinal)
    {
        ["xlsx/good-filled-template.xlsx"] = () => Fill(Template(), sheet => FillValid(sheet)),
        ["xlsx/good-text-cells-and-cached-formula.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetSharedText(sheet, ValueCell("TRADE_VALUE", ReportingYear), "5 000 000.5");
            SetInlineText(sheet, ValueCell("AEO_COUNT", ReportingYear - 1), " 100 ");
            SetFormula(sheet, ValueCell("DECL_ELECTRONIC", ReportingYear), "D2-15", "985");
        }),
        ["xlsx/empty-template.xlsx"] = () => Template(),
        ["xlsx/text-in-value-cell.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetInlineText(sheet, ValueCell("DECL_ELECTRONIC", ReportingYear), "n/a");
        }),
        ["xlsx/text-decimal-comma-and-thousands.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetSharedText(sheet, ValueCell("TRADE_VALUE", ReportingYear), "5000000,5");
            SetSharedText(sheet, ValueCell("DECL_TOTAL", ReportingYear), "1,000");
        }),
        ["xlsx/formula-without-cached-value.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetFormula(sheet, ValueCell("DECL_ELECTRONIC", ReportingYear), "D2-15", null);
        }),
        ["xlsx/error-boolean-date-cells.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetTyped(sheet, ValueCell("DECL_ELECTRONIC", ReportingYear), CellValues.Error, "#DIV/0!");
            SetTyped(sheet, ValueCell("AEO_COUNT", ReportingYear), CellValues.Boolean, "1");
            SetTyped(sheet, ValueCell("SHIPMENTS_TOTAL", ReportingYear), CellValues.Date, "2025-12-31T00:00:00");
        }),
        ["xlsx/negative-count.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetNumber(sheet, ValueCell("AEO_COUNT", ReportingYear - 1), -100);
        }),
        ["xlsx/non-integer-count.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetNumber(sheet, ValueCell("DECL_TOTAL", ReportingYear), 1000.5m);
        }),
        ["xlsx/missing-required-items.xlsx"] = () => Fill(Template(), sheet =>
        {
            SetNumber(sheet, ValueCell("DECL_TOTAL", ReportingYear), 1000);
            SetNumber(sheet, ValueCell("TRADE_VALUE", ReportingYear), 5000000.5m);
        }),
        ["xlsx/item-code-typed-over.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetInlineText(sheet, "A2", "DECL_TOTL");
        }),
        ["xlsx/item-code-copied-over-another.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            var shipments = ValueCell("SHIPMENTS_TOTAL", ReportingYear);
            SetInlineText(sheet, "A" + shipments[1..], "decl_total");
            SetNumber(sheet, shipments, 1000);
        }),
        ["xlsx/previous-year-not-asked.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetNumber(sheet, ValueCell("DECL_TOTAL", ReportingYear - 1), 950);
        }),
        ["xlsx/last-years-template.xlsx"] = () => Fill(Template(ReportingYear - 1), sheet => FillValid(sheet)),
        ["xlsx/year-headings-retyped.xlsx"] = () => Fill(Template(ReportingYear - 1), sheet =>
        {
            FillValid(sheet);
            SetNumber(sheet, "D1", ReportingYear);
            SetNumber(sheet, "E1", ReportingYear - 1);
        }),
        ["xlsx/header-year-replaced-by-text.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetInlineText(sheet, "D1", "Year");
        }),
        ["xlsx/data-sheet-renamed.xlsx"] = () => Fill(Template(), sheet => FillValid(sheet), document => document.WorkbookPart!.Workbook!.Sheets!.Elements<Sheet>().Single(s => s.Name == ExcelTemplate.DataSheet).Name = "Données"),
        ["xlsx/rule-electronic-exceeds-total.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetNumber(sheet, ValueCell("DECL_ELECTRONIC", ReportingYear), 1200);
        }),
        ["xlsx/rule-aeo-trade-exceeds-trade.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetNumber(sheet, ValueCell("AEO_TRADE_VALUE", ReportingYear), 5000000.75m);
        }),
        ["xlsx/rule-ecom-exceeds-shipments.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetNumber(sheet, ValueCell("SHIPMENTS_TOTAL", ReportingYear), 0);
            SetNumber(sheet, ValueCell("SHIPMENTS_ECOM", ReportingYear), 1);
        }),
        ["xlsx/rule-aeo-count-more-than-doubled.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetNumber(sheet, ValueCell("AEO_COUNT", ReportingYear), 201);
        }),
        ["xlsx/rule-sw-agencies-exceed-border-agencies.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetNumber(sheet, ValueCell("BORDER_AGENCIES", ReportingYear), 12);
            SetNumber(sheet, ValueCell("SW_AGENCIES", ReportingYear), 14);
        }),
        ["xlsx/rule-customs-revenue-exceeds-tax-revenue.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetNumber(sheet, ValueCell("CUSTOMS_REVENUE", ReportingYear), 310000000.75m);
            SetNumber(sheet, ValueCell("CUSTOMS_REVENUE", ReportingYear - 1), 290000000);
            SetNumber(sheet, ValueCell("TAX_REVENUE_TOTAL", ReportingYear), 250000000);
        }),
        ["xlsx/rule-managers-exceed-staff.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetNumber(sheet, ValueCell("STAFF_TOTAL", ReportingYear), 900);
            SetNumber(sheet, ValueCell("STAFF_WOMEN", ReportingYear), 400);
            SetNumber(sheet, ValueCell("MANAGERS_TOTAL", ReportingYear), 950);
            SetNumber(sheet, ValueCell("MANAGERS_WOMEN", ReportingYear), 300);
        }),
        ["xlsx/rule-aeo-count-more-than-halved.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetNumber(sheet, ValueCell("AEO_COUNT", ReportingYear), 49);
        }),
        ["xlsx/row-bomb.xlsx"] = () =>
        {
            var filled = Fill(Template(), sheet => FillValid(sheet));
            return ExcelLimitsTests.WithRepeated(filled, SheetEntry(filled, ExcelTemplate.DataSheet), "</x:sheetData>", _ => "<x:row/>", 1_000_000);
        },
        ["xlsx/zip-bomb.xlsx"] = () => Zip(zip =>
        {
            using var entry = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 51; i++)
            {
                entry.Write(zeros);
            }
        }),
        ["xlsx/too-many-parts.xlsx"] = () => Zip(zip =>
        {
            for (var i = 0; i < 1001; i++)
            {
                zip.CreateEntry($"xl/media/image{i}.png", CompressionLevel.NoCompression);
            }
        }),
        ["xlsx/zip-declared-size-understated.xlsx"] = () => UnderstatedSizes(Fill(Template(), sheet => FillValid(sheet)), 10 * 1024 * 1024),
        ["xlsx/zip-not-workbook.xlsx"] = () => Zip(zip =>
        {
            using var writer = new StreamWriter(zip.CreateEntry("report.csv").Open());
            writer.Write(TestData.ValidCsv());
        }),
        ["xlsx/truncated-download.xlsx"] = () =>
        {
            var full = Fill(Template(), sheet => FillValid(sheet));
            return full[..(full.Length / 2)];
        },
        ["xlsx/shared-string-out-of-range.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            var cell = CellAt(sheet, ValueCell("TRADE_VALUE", ReportingYear));
            cell.DataType = CellValues.SharedString;
            cell.CellValue = new CellValue("99999");
        }),
        ["xlsx/good-states-disclosure-comments.xlsx"] = () => Fill(Template(), FillStates, document =>
        {
            var disclosure = SheetPart(document, ExcelTemplate.DisclosureSheet);
            SetSharedText(disclosure, DisclosureCell("TF-01"), "wco");
            SetInlineText(disclosure, DisclosureCell("RC-01"), "Restricted");
        }),
        ["xlsx/status-na-ambiguous.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetInlineText(sheet, RowCell("SHIPMENTS_ECOM", ExcelTemplate.DataColumns.Status), "n/a");
        }),
        ["xlsx/not-applicable-without-reason.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetSharedText(sheet, RowCell("SHIPMENTS_ECOM", ExcelTemplate.DataColumns.Status), ValueStates.NotApplicable);
        }),
        ["xlsx/value-and-status.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetNumber(sheet, ValueCell("SHIPMENTS_ECOM", ReportingYear), 12);
            SetSharedText(sheet, RowCell("SHIPMENTS_ECOM", ExcelTemplate.DataColumns.Status), ValueStates.NotAvailable);
        }),
        ["xlsx/reason-without-status.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetInlineText(sheet, RowCell("SHIPMENTS_ECOM", ExcelTemplate.DataColumns.Reason), "No e-commerce channel");
        }),
        ["xlsx/disclosure-invalid-level.xlsx"] = () => Fill(Template(), FillValid, document => SetInlineText(SheetPart(document, ExcelTemplate.DisclosureSheet), DisclosureCell("TF-01"), "confidential")),
        ["xlsx/comment-too-long.xlsx"] = () => Fill(Template(), sheet =>
        {
            FillValid(sheet);
            SetInlineText(sheet, RowCell("SHIPMENTS_ECOM", ExcelTemplate.DataColumns.Comment), new string('x', SubmissionValidator.MaxTextLength + 1));
        }),
    };

    static byte[] Template(int year = ReportingYear) => ExcelTemplate.Create(Catalogue, CycleId, year, "FR", "France");

    /// <summary>The values of <see cref="TestData.ValidCsv"/>, typed into columns D (year T) and E (year T-1) of the template.</summary>
    static void FillValid(WorksheetPart sheet)
    {
        var (t, t1) = YearsOf(sheet);
        foreach (var o in TestData.Read(TestData.ValidCsv()).Observations)
        {
            SetNumber(sheet, ValueCell(o.ItemCode, o.Year == TestData.Year ? t : t1, t), o.Value!.Value);
        }
    }

    /// <summary>
    /// <see cref="FillValid"/>, plus the states, reasons and comment of csv/good-states-disclosure-comments.csv:
    /// SHIPMENTS_ECOM not applicable with a reason, DM_ELEMENTS_TOTAL not available with a reason, a comment on DECL_TOTAL.
    /// </summary>
    internal static void FillStates(WorksheetPart sheet)
    {
        FillValid(sheet);
        SetSharedText(sheet, RowCell("SHIPMENTS_ECOM", ExcelTemplate.DataColumns.Status), ValueStates.NotApplicable);
        SetInlineText(sheet, RowCell("SHIPMENTS_ECOM", ExcelTemplate.DataColumns.Reason), "No postal or courier e-commerce channel");
        SetSharedText(sheet, RowCell("DM_ELEMENTS_TOTAL", ExcelTemplate.DataColumns.Status), ValueStates.NotAvailable);
        SetInlineText(sheet, RowCell("DM_ELEMENTS_TOTAL", ExcelTemplate.DataColumns.Reason), "New data model not yet mapped");
        SetInlineText(sheet, RowCell("DECL_TOTAL", ExcelTemplate.DataColumns.Comment), "Includes simplified declarations; excludes transit, which is declared separately");
    }

    /// <summary>The cell of an item's row in a column of the sheet "Data" (1 = A).</summary>
    internal static string RowCell(string itemCode, int column)
    {
        var row = Catalogue.Items.Select(i => i.Code).ToList().IndexOf(itemCode) + 2;
        Assert.True(row >= 2, $"{itemCode} is not in the catalogue");
        return (char)('A' + column - 1) + row.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The level cell of a KPI in the sheet "Disclosure".</summary>
    internal static string DisclosureCell(string kpiCode)
    {
        var row = Catalogue.Kpis.Select(k => k.Code).ToList().IndexOf(kpiCode) + 2;
        Assert.True(row >= 2, $"{kpiCode} is not in the catalogue");
        return "D" + row.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The years in the template's header (D1, E1), as it was made.</summary>
    static (int T, int T1) YearsOf(WorksheetPart sheet)
    {
        var document = (SpreadsheetDocument)sheet.OpenXmlPackage;
        var strings = document.WorkbookPart!.SharedStringTablePart!.SharedStringTable!.Elements<SharedStringItem>().Select(s => s.InnerText).ToList();
        var year = int.Parse(strings[int.Parse(CellAt(sheet, "D1").CellValue!.Text, CultureInfo.InvariantCulture)], CultureInfo.InvariantCulture);
        return (year, year - 1);
    }

    /// <summary>The cell of an item's value for a year: column D for the template's year T, E for the year before.</summary>
    static string ValueCell(string itemCode, int year, int templateYear = ReportingYear)
    {
        var row = Catalogue.Items.Select(i => i.Code).ToList().IndexOf(itemCode) + 2;
        Assert.True(row >= 2, $"{itemCode} is not in the catalogue");
        return (year == templateYear ? "D" : "E") + row.ToString(CultureInfo.InvariantCulture);
    }

    static void SetTyped(WorksheetPart sheet, string reference, CellValues type, string raw)
    {
        var cell = CellAt(sheet, reference);
        cell.DataType = type;
        cell.CellValue = new CellValue(raw);
    }

    static void SetFormula(WorksheetPart sheet, string reference, string formula, string? cachedValue)
    {
        var cell = CellAt(sheet, reference);
        cell.DataType = null;
        cell.RemoveAllChildren();
        cell.Append(new CellFormula(formula));
        if (cachedValue is not null)
        {
            cell.Append(new CellValue(cachedValue));
        }
    }

    /// <summary>
    /// The workbook with each sheet padded by <paramref name="padding"/> bytes of whitespace inside its XML while the
    /// zip's directory and local headers still declare the sheets' original sizes: a bomb that lies about its size.
    /// </summary>
    static byte[] UnderstatedSizes(byte[] xlsx, int padding)
    {
        var declared = new Dictionary<string, long>(StringComparer.Ordinal);
        var spaces = new byte[padding];
        Array.Fill(spaces, (byte)' ');
        var bytes = Zip(target =>
        {
            using var source = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read);
            foreach (var entry in source.Entries)
            {
                using var from = entry.Open();
                using var to = target.CreateEntry(entry.FullName, CompressionLevel.Fastest).Open();
                var content = new MemoryStream();
                from.CopyTo(content);
                var xml = content.ToArray();
                var sheetData = xml.AsSpan().IndexOf("sheetData"u8);
                if (entry.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal) && sheetData > 0)
                {
                    // Whitespace before the element <sheetData>: a reader that stops at the declared size sees broken XML.
                    var at = xml.AsSpan(0, sheetData).LastIndexOf((byte)'<');
                    to.Write(xml.AsSpan(0, at));
                    to.Write(spaces);
                    to.Write(xml.AsSpan(at));
                    declared[entry.FullName] = entry.Length;
                }
                else
                {
                    to.Write(xml);
                }
            }
        });

        var end = bytes.AsSpan().LastIndexOf("PK\x05\x06"u8);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(end + 10));
        var at = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(end + 16));
        for (var i = 0; i < count; i++)
        {
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 28));
            var name = Encoding.UTF8.GetString(bytes, at + 46, nameLength);
            if (declared.TryGetValue(name, out var size))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 24), (uint)size);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 42)) + 22), (uint)size);
            }

            at += 46 + nameLength + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 30)) + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 32));
        }

        Assert.NotEmpty(declared);
        return bytes;
    }

}
