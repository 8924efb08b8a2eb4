using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Benchmarks;

/// <summary>
/// Excel parsing throughput: the shipped catalogue's template with every value filled in, and 9,900 more
/// rows appended to the sheet Data (an item code and two values each), just under the reader's 10,000 rows per sheet
/// (<see cref="Pmm.Core.Formats.Excel.ExcelLimits.MaxRowsPerSheet"/>). Warmup as in <see cref="ExcelBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 15, iterationCount: 10)]
[Config(typeof(RowsPerSecondConfig))]
public class ExcelThroughputBenchmarks
{
    const int ExtraRows = 9_900;

    // One row per data item of the shipped catalogue (checked in Setup).
    const int TemplateRows = 74;

    byte[] large = [];

    [GlobalSetup]
    public void Setup()
    {
        var catalogue = KpiCatalogue.LoadEmbedded();
        if (catalogue.Items.Count != TemplateRows)
        {
            throw new InvalidOperationException($"The catalogue has {catalogue.Items.Count} data items; update {nameof(TemplateRows)}.");
        }

        var values = Inputs.Submission(catalogue, Inputs.Full);
        large = Inputs.Excel(catalogue, values, ExtraRows);
        Inputs.ReadChecked(SubmissionFormats.Xlsx, large, values.Count + 2 * ExtraRows);
    }

    [Benchmark(Description = "Excel template + 9,900 rows")]
    [Rows(TemplateRows + ExtraRows)]
    public ParsedSubmission ExcelLargeSheet() => SubmissionFormats.Read(SubmissionFormats.Xlsx, new MemoryStream(large));
}
