using System.Globalization;
using MathNet.Numerics.Statistics;
using Pmm.Core.Catalogue;

namespace Pmm.Core.Submissions;

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
