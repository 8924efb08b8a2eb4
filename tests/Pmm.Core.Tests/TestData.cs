using System.Text;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Tests;

static class TestData
{
    public const int Year = 2025;

    /// <summary>A complete, valid file for <see cref="Year"/>.</summary>
    public static string ValidCsv(string separator = ",") => string.Join('\n', new[]
    {
        "item,year,value",
        $"DECL_TOTAL,{Year},1000",
        $"DECL_ELECTRONIC,{Year},985",
        $"AEO_COUNT,{Year},120",
        $"AEO_COUNT,{Year - 1},100",
        $"TRADE_VALUE,{Year},5000000.5",
        $"AEO_TRADE_VALUE,{Year},2500000.25",
    }.Select(l => l.Replace(",", separator, StringComparison.Ordinal))) + "\n";

    public static ParsedSubmission Read(string csv) => CsvSubmissionReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(csv)));
}
