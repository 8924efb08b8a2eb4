using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Benchmarks;

/// <summary>
/// The latency of one submission against the shipped catalogue: read a valid file (CSV or JSON; Excel is
/// in <see cref="ExcelBenchmarks"/>) and validate it, and the canonical content hash. <see cref="Submission"/>
/// "minimal" is the unit tests' valid CSV (6 values, 3 KPIs); "full" gives every data item for T and, where
/// asked, T-1 (84 values), so that all 55 KPIs compute. Target: well under a millisecond of CPU for a 55-KPI
/// submission.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class SubmissionBenchmarks
{
    SubmissionValidator validator = null!;
    KpiCatalogue catalogue = null!;
    byte[] csv = [];
    byte[] json = [];
    ParsedSubmission parsedCsv = null!;

    [Params(Inputs.Minimal, Inputs.Full)]
    public string Submission { get; set; } = Inputs.Full;

    [GlobalSetup]
    public void Setup()
    {
        catalogue = KpiCatalogue.LoadEmbedded();
        var values = Inputs.Submission(catalogue, Submission);
        validator = new SubmissionValidator(catalogue);
        csv = Inputs.Csv(values, CsvDialect.CommaPoint);
        json = Inputs.Json(values);
        parsedCsv = Inputs.ReadChecked(SubmissionFormats.Csv, csv, values.Count, values);
        var parsedJson = Inputs.ReadChecked(SubmissionFormats.Json, json, values.Count, values);

        // The minimal submission leaves out the optional items, so only 3 KPIs compute; the full one computes all.
        var kpis = Submission == Inputs.Minimal ? 3 : catalogue.Kpis.Count;
        foreach (var parsed in new[] { parsedCsv, parsedJson })
        {
            var result = validator.Validate(parsed, Inputs.Year);
            if (result.Status != ValidationStatus.Accepted || result.KpiValues.Count != kpis)
            {
                throw new InvalidOperationException($"{parsed.Format}: expected Accepted with {kpis} KPIs, got {result.Status} with {result.KpiValues.Count}: {string.Join("; ", result.Findings.Take(3).Select(f => f.Message))}");
            }
        }

        var semicolon = Inputs.ReadChecked(SubmissionFormats.Csv, Inputs.Csv(values, CsvDialect.SemicolonDecimalComma), values.Count, values);
        var hash = SubmissionFormats.ContentHash(parsedCsv, csv, catalogue);
        if (hash != SubmissionFormats.ContentHash(parsedJson, json, catalogue) || hash != SubmissionFormats.ContentHash(semicolon, [], catalogue))
        {
            throw new InvalidOperationException("CSV (both dialects) and JSON of the same values must have the same content hash.");
        }
    }

    [Benchmark(Description = "CSV parse")]
    public ParsedSubmission CsvParse() => SubmissionFormats.Read(SubmissionFormats.Csv, new MemoryStream(csv));

    [Benchmark(Description = "CSV parse + validate")]
    public ValidationResult CsvParseValidate() => validator.Validate(SubmissionFormats.Read(SubmissionFormats.Csv, new MemoryStream(csv)), Inputs.Year);

    [Benchmark(Description = "JSON parse")]
    public ParsedSubmission JsonParse() => SubmissionFormats.Read(SubmissionFormats.Json, new MemoryStream(json));

    [Benchmark(Description = "JSON parse + validate")]
    public ValidationResult JsonParseValidate() => validator.Validate(SubmissionFormats.Read(SubmissionFormats.Json, new MemoryStream(json)), Inputs.Year);

    [Benchmark(Description = "validate only (parsed CSV)")]
    public ValidationResult ValidateOnly() => validator.Validate(parsedCsv, Inputs.Year);

    [Benchmark(Description = "content hash (parsed CSV)")]
    public string ContentHash() => SubmissionFormats.ContentHash(parsedCsv, csv, catalogue);
}
