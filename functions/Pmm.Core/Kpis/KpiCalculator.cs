using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Kpis;

/// <summary>
/// Computes KPI values from a Member's validated data items. A KPI whose inputs are absent, or whose denominator is
/// zero, has no value; nor has one whose arithmetic overflows (absurdly large inputs), which is listed in
/// <c>overflowed</c> so the caller can say so.
/// </summary>
public static class KpiCalculator
{
    public static IReadOnlyDictionary<string, decimal> Compute(KpiCatalogue catalogue, IReadOnlyDictionary<(string Item, int Year), decimal> values, int year, ICollection<string>? overflowed = null)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var result = new SortedDictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var kpi in catalogue.Kpis)
        {
            decimal? value;
            try
            {
                value = kpi.Formula.Kind switch
                {
                    KpiFormulaKinds.Ratio => Ratio(kpi.Formula, values, year),
                    KpiFormulaKinds.Variation => Variation(kpi.Formula.Item!, values, year),
                    KpiFormulaKinds.Value => values.TryGetValue((kpi.Formula.Item!, year), out var v) ? v : null,
                    _ => null,
                };
            }
            catch (OverflowException)
            {
                overflowed?.Add(kpi.Code);
                continue;
            }

            if (value is { } v2)
            {
                result[kpi.Code] = decimal.Round(v2, 6);
            }
        }

        return result;
    }

    static decimal? Ratio(KpiFormula f, IReadOnlyDictionary<(string Item, int Year), decimal> values, int year)
    {
        var numerator = Sum(f.Numerator!, values, year);
        var denominator = Sum(f.Denominator!, values, year);
        return numerator is null || denominator is null or 0 ? null : numerator / denominator * (f.Scale ?? 1m);
    }

    static decimal? Variation(string item, IReadOnlyDictionary<(string Item, int Year), decimal> values, int year) =>
        values.TryGetValue((item, year), out var now) && values.TryGetValue((item, year - 1), out var before) && before != 0
            ? (now - before) / before * 100m
            : null;

    static decimal? Sum(IEnumerable<string> items, IReadOnlyDictionary<(string Item, int Year), decimal> values, int year)
    {
        decimal total = 0;
        foreach (var item in items)
        {
            if (!values.TryGetValue((item, year), out var v))
            {
                return null;
            }

            total += v;
        }

        return total;
    }
}
