using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Benchmarks;

/// <summary>
/// CSV parsing throughput: a file of one million observation rows (<c>item,year,value</c>, the shipped
/// catalogue's codes, years T and T-1, varied decimals), read by the CSV reader as an upload would be.
/// Target: at least a million rows per second on one core.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 3, iterationCount: 8)]
[Config(typeof(RowsPerSecondConfig))]
public class CsvThroughputBenchmarks
{
    const int Rows = 1_000_000;

    byte[] commaPoint = [];
    byte[] semicolonDecimalComma = [];

    [GlobalSetup]
    public void Setup()
    {
        var values = Inputs.ManyRows(KpiCatalogue.LoadEmbedded(), Rows);
        commaPoint = Inputs.Csv(values, CsvDialect.CommaPoint);
        semicolonDecimalComma = Inputs.Csv(values, CsvDialect.SemicolonDecimalComma);

        // Both dialects must read to the same values, without findings.
        var a = Inputs.ReadChecked(SubmissionFormats.Csv, commaPoint, Rows);
        var b = Inputs.ReadChecked(SubmissionFormats.Csv, semicolonDecimalComma, Rows);
        if (!a.Observations.Select(o => o.Value).SequenceEqual(values.Select(v => (decimal?)v.Amount))
            || !b.Observations.Select(o => o.Value).SequenceEqual(values.Select(v => (decimal?)v.Amount)))
        {
            throw new InvalidOperationException("The CSV files do not read back to the generated values.");
        }
    }

    [Benchmark(Description = "CSV 1M rows, comma + decimal point")]
    [Rows(Rows)]
    public ParsedSubmission CsvCommaPoint() => SubmissionFormats.Read(SubmissionFormats.Csv, new MemoryStream(commaPoint));

    [Benchmark(Description = "CSV 1M rows, semicolon + decimal comma, grouped")]
    [Rows(Rows)]
    public ParsedSubmission CsvSemicolonDecimalComma() => SubmissionFormats.Read(SubmissionFormats.Csv, new MemoryStream(semicolonDecimalComma));
}
