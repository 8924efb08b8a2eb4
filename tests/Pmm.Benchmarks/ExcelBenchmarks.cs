using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Benchmarks;

/// <summary>
/// The latency of one Excel submission: the shipped catalogue's template (one row per data item) filled in
/// with the <see cref="Submission"/> values as a Member would, read, and validated.
/// The long warmup dates from the OpenXML SDK reader, whose code kept being re-jitted to tier 1 for about 10 s of
/// continuous use on 2 cores; it is kept so that runs stay comparable (the reader now settles within a few seconds).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 25, iterationCount: 10)]
public class ExcelBenchmarks
{
    SubmissionValidator validator = null!;
    byte[] xlsx = [];

    [Params(Inputs.Minimal, Inputs.Full)]
    public string Submission { get; set; } = Inputs.Full;

    [GlobalSetup]
    public void Setup()
    {
        var catalogue = KpiCatalogue.LoadEmbedded();
        var values = Inputs.Submission(catalogue, Submission);
        validator = new SubmissionValidator(catalogue);
        xlsx = Inputs.Excel(catalogue, values);
        var result = validator.Validate(Inputs.ReadChecked(SubmissionFormats.Xlsx, xlsx, values.Count, values), Inputs.Year);
        if (result.Status != ValidationStatus.Accepted)
        {
            throw new InvalidOperationException($"Excel: expected Accepted, got {result.Status}: {string.Join("; ", result.Findings.Take(3).Select(f => f.Message))}");
        }
    }

    [Benchmark(Description = "Excel parse")]
    public ParsedSubmission ExcelParse() => SubmissionFormats.Read(SubmissionFormats.Xlsx, new MemoryStream(xlsx));

    [Benchmark(Description = "Excel parse + validate")]
    public ValidationResult ExcelParseValidate() => validator.Validate(SubmissionFormats.Read(SubmissionFormats.Xlsx, new MemoryStream(xlsx)), Inputs.Year);
}
