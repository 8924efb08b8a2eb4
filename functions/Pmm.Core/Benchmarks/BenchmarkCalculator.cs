using MathNet.Numerics.Statistics;
using Pmm.Core.Catalogue;

namespace Pmm.Core.Benchmarks;

/// <summary>One Member's KPI values, as used for benchmarking.</summary>
public sealed record MemberKpis(string MemberCode, IReadOnlyDictionary<string, decimal> Values);

/// <summary>Scopes a benchmark can be computed over.</summary>
public static class BenchmarkScopes
{
    public const string Global = "global";
    public const string Region = "region";
    public const string IncomeGroup = "income";
    public const string AllGroup = "all";
}

/// <summary>
/// An aggregate of one KPI over a group of Members. When fewer Members than the publication
/// threshold reported, <see cref="Suppressed"/> is true and no statistic is given, so a small group
/// cannot reveal one Member's value.
/// </summary>
public sealed record Benchmark(string KpiCode, string Scope, string Group, int N, double? Mean, double? Median, bool Suppressed);

/// <summary>Computes per-KPI benchmarks: global, per WCO region and per World Bank income group. Pure: no I/O.</summary>
public static class BenchmarkCalculator
{
    public static IReadOnlyList<Benchmark> Compute(KpiCatalogue catalogue, MemberDirectory members, IEnumerable<MemberKpis> submissions, int minimumRespondents)
    {
        var rows = submissions
            .Where(s => members.ByCode.ContainsKey(s.MemberCode))
            .Select(s => (Region: members.ByCode[s.MemberCode].Region, Income: members.ByCode[s.MemberCode].IncomeGroup, s.Values))
            .ToList();
        var result = new List<Benchmark>();
        foreach (var kpi in catalogue.Kpis)
        {
            var reported = rows.Where(r => r.Values.ContainsKey(kpi.Code)).Select(r => (r.Region, r.Income, Value: (double)r.Values[kpi.Code])).ToList();
            result.Add(Aggregate(kpi.Code, BenchmarkScopes.Global, BenchmarkScopes.AllGroup, reported.Select(r => r.Value), minimumRespondents));
            foreach (var region in members.Regions)
            {
                result.Add(Aggregate(kpi.Code, BenchmarkScopes.Region, region.Code, reported.Where(r => r.Region == region.Code).Select(r => r.Value), minimumRespondents));
            }

            foreach (var income in members.IncomeGroups)
            {
                result.Add(Aggregate(kpi.Code, BenchmarkScopes.IncomeGroup, income, reported.Where(r => r.Income == income).Select(r => r.Value), minimumRespondents));
            }
        }

        return result;
    }

    static Benchmark Aggregate(string kpi, string scope, string group, IEnumerable<double> values, int minimum)
    {
        var data = values.ToArray();
        if (data.Length == 0 || data.Length < minimum)
        {
            return new Benchmark(kpi, scope, group, data.Length, null, null, Suppressed: true);
        }

        return new Benchmark(kpi, scope, group, data.Length, data.Mean(), data.Median(), Suppressed: false);
    }
}
