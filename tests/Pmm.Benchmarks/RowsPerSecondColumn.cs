using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Pmm.Benchmarks;

/// <summary>How many input rows one invocation of a throughput benchmark reads.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RowsAttribute(int count) : Attribute
{
    public int Count { get; } = count;
}

/// <summary>A "Rows/s" column: the benchmark's <see cref="RowsAttribute"/> divided by its mean time.</summary>
public sealed class RowsPerSecondColumn : IColumn
{
    public string Id => nameof(RowsPerSecondColumn);

    public string ColumnName => "Rows/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Input rows read per second on one thread: rows per invocation / Mean";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        var rows = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<RowsAttribute>()?.Count;
        if (rows is not { } count || summary[benchmarkCase]?.ResultStatistics is not { Mean: > 0 } statistics)
        {
            return "-";
        }

        // Statistics are in nanoseconds.
        return (count / (statistics.Mean / 1e9)).ToString("N0", CultureInfo.InvariantCulture);
    }
}

/// <summary>Adds <see cref="RowsPerSecondColumn"/> to a benchmark class.</summary>
public sealed class RowsPerSecondConfig : ManualConfig
{
    public RowsPerSecondConfig() => AddColumn(new RowsPerSecondColumn());
}
