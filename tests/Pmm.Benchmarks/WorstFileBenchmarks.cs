using System.Globalization;
using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Formats.Excel;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Benchmarks;

/// <summary>
/// The worst files of issue 7, read and validated as an upload is: a 10 MB CSV and a 10 MB JSON file of unknown item
/// codes (150 s and a 215 MB response before findings were bounded), one 9 MB item code in JSON (42 s of CPU), and the
/// Excel row bomb, the filled template whose sheet Data holds 6 million empty rows after its own (5.6 s and ~900 MB
/// before the reader's caps). Targets: each answered in under 2 s; the row bomb in under 1 s with under 50 MB
/// allocated. The files are generated here, never committed.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class WorstFileBenchmarks
{
    const int TenMegabytes = 10 * 1024 * 1024;

    SubmissionValidator validator = null!;
    byte[] csv = [];
    byte[] json = [];
    byte[] longCode = [];
    byte[] rowBomb = [];

    [GlobalSetup]
    public void Setup()
    {
        var catalogue = KpiCatalogue.LoadEmbedded();
        validator = new SubmissionValidator(catalogue);
        csv = UnknownCodesCsv();
        json = UnknownCodesJson();
        longCode = Encoding.UTF8.GetBytes($$"""{ "values": [ { "item": "{{new string('X', 9 * 1024 * 1024)}}", "year": {{Inputs.Year}}, "value": 1 } ] }""");
        rowBomb = RowBomb(catalogue, 6_000_000);

        // Each input must be refused the way the benchmark claims, before anything is timed.
        Expect(Csv(), RuleIds.TooManyFindings);
        Expect(Json(), RuleIds.TooManyFindings);
        Expect(LongCode(), RuleIds.UnknownItem);
        Expect(RowBombRead(), RuleIds.FileBeyondLimits);
    }

    [Benchmark(Description = "10 MB CSV of unknown codes, read + validate")]
    public ValidationResult Csv() => validator.Validate(SubmissionFormats.Read(SubmissionFormats.Csv, new MemoryStream(csv)), Inputs.Year);

    [Benchmark(Description = "10 MB JSON of unknown codes, read + validate")]
    public ValidationResult Json() => validator.Validate(SubmissionFormats.Read(SubmissionFormats.Json, new MemoryStream(json)), Inputs.Year);

    [Benchmark(Description = "9 MB item code in JSON, read + validate")]
    public ValidationResult LongCode() => validator.Validate(SubmissionFormats.Read(SubmissionFormats.Json, new MemoryStream(longCode)), Inputs.Year);

    [Benchmark(Description = "Excel row bomb (6 M empty rows), read + validate")]
    public ValidationResult RowBombRead() => validator.Validate(SubmissionFormats.Read(SubmissionFormats.Xlsx, new MemoryStream(rowBomb)), Inputs.Year);

    static void Expect(ValidationResult result, string ruleId)
    {
        if (result.Status != ValidationStatus.Rejected || !result.Findings.Any(f => f.RuleId == ruleId) || result.Findings.Count > FindingList.MaxListed + 1)
        {
            throw new InvalidOperationException($"Expected a rejection with {ruleId}, got {result.Status}: {string.Join("; ", result.Findings.Take(3).Select(f => f.Message))}");
        }
    }

    static byte[] UnknownCodesCsv()
    {
        var text = new StringBuilder("item,year,value\n");
        for (var i = 0; text.Length < TenMegabytes; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"UNKNOWN_ITEM_{i},{Inputs.Year},{i}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    static byte[] UnknownCodesJson()
    {
        var text = new StringBuilder("{ \"values\": [\n");
        for (var i = 0; text.Length < TenMegabytes; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",\n")}{{ \"item\": \"UNKNOWN_ITEM_{i}\", \"year\": {Inputs.Year}, \"value\": {i} }}");
        }

        return Encoding.UTF8.GetBytes(text.Append("\n] }").ToString());
    }

    /// <summary>The filled template with <paramref name="rows"/> empty &lt;row/&gt; elements after its own in the sheet Data.</summary>
    internal static byte[] RowBomb(KpiCatalogue catalogue, int rows)
    {
        var template = Inputs.Excel(catalogue, Inputs.Submission(catalogue, Inputs.Full));
        var dataEntry = DataSheetEntry(template);
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(template), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                string text;
                using (var reader = new StreamReader(entry.Open()))
                {
                    text = reader.ReadToEnd();
                }

                using var writer = new StreamWriter(target.CreateEntry(entry.FullName, CompressionLevel.SmallestSize).Open(), new UTF8Encoding(false));
                var end = entry.FullName == dataEntry ? text.IndexOf("</x:sheetData>", StringComparison.Ordinal) : -1;
                if (end < 0)
                {
                    writer.Write(text);
                    continue;
                }

                writer.Write(text.AsSpan(0, end));
                for (var i = 0; i < rows; i++)
                {
                    writer.Write("<x:row/>");
                }

                writer.Write(text.AsSpan(end));
            }
        }

        return output.ToArray();
    }

    static string DataSheetEntry(byte[] xlsx)
    {
        using var document = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook!.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Single(s => s.Name == ExcelTemplate.DataSheet);
        return workbook.GetPartById(sheet.Id!.Value!).Uri.OriginalString.TrimStart('/');
    }
}
