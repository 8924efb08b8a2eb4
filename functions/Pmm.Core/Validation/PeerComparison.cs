using System.Globalization;
using MathNet.Numerics.Statistics;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;

namespace Pmm.Core.Validation;

/// <summary>
/// Compares a submission's KPI values with other Members' accepted values for the same cycle, robustly:
/// a value whose modified z-score (0.6745·(x − median) / MAD) exceeds the threshold is flagged as a warning.
/// PMM data are skewed (e.g. electronic declaration rates cluster near 100 %), so median and MAD are used
/// rather than mean and standard deviation; KPIs that are volumes (not percentages) are compared on a log scale.
/// </summary>
public static class PeerComparison
{
    public const int MinimumPeers = 5;
    public const double Threshold = 3.5;

    /// <summary>Item value types compared on a log scale: volumes, which span orders of magnitude across Members.</summary>
    static readonly HashSet<string> VolumeTypes = new(StringComparer.OrdinalIgnoreCase) { "count", "amount", "duration" };

    /// <summary>
    /// The same robust check on the data items of year T, where a unit slip (thousands for units, cents for dollars) shows
    /// best: volumes on a log scale, percentages and ratios as they are. The finding points at the value in the file.
    /// </summary>
    public static IEnumerable<Finding> CheckItems(KpiCatalogue catalogue, IReadOnlyDictionary<string, (decimal Value, string Pointer, int? Line)> own, IReadOnlyList<IReadOnlyDictionary<string, decimal>> peers)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(peers);
        foreach (var item in catalogue.Items)
        {
            if (!own.TryGetValue(item.Code, out var mine))
            {
                continue;
            }

            var others = peers.Where(p => p.ContainsKey(item.Code)).Select(p => (double)p[item.Code]).ToList();
            if (Outlier((double)mine.Value, others, VolumeTypes.Contains(item.ValueType)) is { } peerMedian)
            {
                yield return new Finding(
                    RuleIds.PeerItemOutlier,
                    Severity.Warning,
                    string.Create(CultureInfo.InvariantCulture, $"{item.Label} ({item.Code}) = {mine.Value:0.##} {item.Unit} is far from other Members' values this cycle (median {peerMedian:0.##}, {others.Count} Members)."),
                    $"Check the unit ({item.Unit}) and the order of magnitude; if the value is right, keep it (this is a warning) and explain it in a comment.",
                    item.Code,
                    mine.Pointer,
                    mine.Line,
                    Found: mine.Value.ToString(CultureInfo.InvariantCulture),
                    Expected: string.Create(CultureInfo.InvariantCulture, $"near {peerMedian:0.##}"));
            }
        }
    }

    /// <summary>The peers' median when the value is an outlier among them (modified z-score above the threshold), else null.</summary>
    static double? Outlier(double value, List<double> others, bool logScale)
    {
        if (others.Count < MinimumPeers)
        {
            return null;
        }

        logScale = logScale && value > 0 && others.All(v => v > 0);
        Func<double, double> scale = logScale ? Math.Log : v => v;
        var scaled = others.Select(scale).ToArray();
        var median = scaled.Median();
        var mad = scaled.Select(v => Math.Abs(v - median)).Median();
        return mad != 0 && Math.Abs(0.6745 * (scale(value) - median) / mad) > Threshold ? others.Median() : null;
    }

    public static IEnumerable<Finding> Check(KpiCatalogue catalogue, IReadOnlyDictionary<string, decimal> own, IReadOnlyList<IReadOnlyDictionary<string, decimal>> peers)
    {
        foreach (var kpi in catalogue.Kpis)
        {
            if (!own.TryGetValue(kpi.Code, out var value))
            {
                continue;
            }

            var others = peers.Where(p => p.ContainsKey(kpi.Code)).Select(p => (double)p[kpi.Code]).ToList();
            if (others.Count < MinimumPeers)
            {
                continue;
            }

            var logScale = kpi.Unit != "%" && value > 0 && others.All(v => v > 0);
            Func<double, double> scale = logScale ? Math.Log : v => v;
            var scaled = others.Select(scale).ToArray();
            var median = scaled.Median();
            var mad = scaled.Select(v => Math.Abs(v - median)).Median();
            if (mad == 0)
            {
                continue;
            }

            var z = 0.6745 * (scale((double)value) - median) / mad;
            if (Math.Abs(z) > Threshold)
            {
                var peerMedian = others.Median();
                yield return new Finding(
                    RuleIds.PeerOutlier,
                    Severity.Warning,
                    string.Create(CultureInfo.InvariantCulture, $"{kpi.Name} ({kpi.Code}) = {value:0.##} {kpi.Unit} is far from other Members' values this cycle (median {peerMedian:0.##}, {others.Count} Members)."),
                    "Check the data items this KPI is computed from; if the value is right, keep it (this is a warning) and explain it in a comment.",
                    kpi.Code,
                    Pointer: $"KPI {kpi.Code}",
                    Found: value.ToString(CultureInfo.InvariantCulture),
                    Expected: string.Create(CultureInfo.InvariantCulture, $"near {peerMedian:0.##}"));
            }
        }
    }
}
