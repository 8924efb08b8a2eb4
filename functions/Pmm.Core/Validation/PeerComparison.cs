using System.Globalization;
using Pmm.Core.Catalogue;
using Pmm.Core.Submissions;

namespace Pmm.Core.Validation;

/// <summary>
/// Compares a submission's KPI values and data items with other Members' accepted values for the same cycle, robustly:
/// a value outside the band median ± 3.5·MAD/0.6745 (a modified z-score above 3.5) is flagged as a warning.
/// PMM data are skewed (e.g. electronic declaration rates cluster near 100 %), so median and MAD are used rather than
/// mean and standard deviation; volumes are compared on a log scale.
/// </summary>
/// <remarks>
/// The warning must not disclose a peer's value: validate-only stores nothing and has no rate limit, so a Member can
/// probe it with as many values as it likes. The band therefore depends on the peers only (never on the value
/// checked), comes from at least <see cref="MinimumPeers"/> of them, and has its edges rounded outward to
/// <see cref="BandSignificantFigures"/> significant figures before the value is compared with it: every answer, and
/// every change of answer between two probes, tells a rounded number and nothing finer. No median or other order
/// statistic of the peers (which is some Member's value) is ever shown.
/// </remarks>
public static class PeerComparison
{
    /// <summary>Fewer peers give no warning: a band from a handful of Members says too much about each of them.</summary>
    public const int MinimumPeers = 10;

    /// <summary>The modified z-score beyond which a value is flagged.</summary>
    public const double Threshold = 3.5;

    /// <summary>The band's edges are rounded outward to this many significant figures.</summary>
    public const int BandSignificantFigures = 2;

    /// <summary>0.6745 ≈ Φ⁻¹(0.75) makes the MAD comparable with a standard deviation for normal data (Iglewicz and Hoaglin).</summary>
    const double MadScale = 0.6745;

    /// <summary>decimal has at most 28 digits after the point; an edge finer than that is rounded outward to this exponent.</summary>
    const int FinestExponent = -28;

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

            if (BandOf(PeerValues(peers, item.Code), VolumeTypes.Contains(item.ValueType)) is { } band && band.Excludes(mine.Value))
            {
                yield return new Finding(
                    RuleIds.PeerItemOutlier,
                    Severity.Warning,
                    Message($"{item.Label} ({item.Code})", mine.Value, item.Unit, band),
                    $"Check the unit ({item.Unit}) and the order of magnitude; if the value is right, keep it (this is a warning) and explain it in a comment.",
                    item.Code,
                    mine.Pointer,
                    mine.Line,
                    Found: mine.Value.ToString(CultureInfo.InvariantCulture),
                    Expected: band.Expected);
            }
        }
    }

    public static IEnumerable<Finding> Check(KpiCatalogue catalogue, IReadOnlyDictionary<string, decimal> own, IReadOnlyList<IReadOnlyDictionary<string, decimal>> peers)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(peers);
        foreach (var kpi in catalogue.Kpis)
        {
            if (!own.TryGetValue(kpi.Code, out var value))
            {
                continue;
            }

            if (BandOf(PeerValues(peers, kpi.Code), volume: kpi.Unit != "%") is { } band && band.Excludes(value))
            {
                yield return new Finding(
                    RuleIds.PeerOutlier,
                    Severity.Warning,
                    Message($"{kpi.Name} ({kpi.Code})", value, kpi.Unit, band),
                    "Check the data items this KPI is computed from; if the value is right, keep it (this is a warning) and explain it in a comment.",
                    kpi.Code,
                    Pointer: $"KPI {kpi.Code}",
                    Found: value.ToString(CultureInfo.InvariantCulture),
                    Expected: band.Expected);
            }
        }
    }

    /// <summary>
    /// The band of usual values among the peers, with edges rounded outward to <see cref="BandSignificantFigures"/>
    /// significant figures; null when there are fewer than <see cref="MinimumPeers"/> peers or they mostly agree (MAD 0),
    /// which gives no verdict rather than a false alarm. Volumes are on a log scale when every peer's value is positive.
    /// </summary>
    public static PeerBand? BandOf(IReadOnlyList<decimal> peerValues, bool volume)
    {
        ArgumentNullException.ThrowIfNull(peerValues);
        if (peerValues.Count < MinimumPeers)
        {
            return null;
        }

        var logScale = volume && peerValues.All(v => v > 0);
        var scaled = peerValues.Select(v => logScale ? Math.Log((double)v) : (double)v).ToArray();
        var median = Median(scaled);
        var mad = Median([.. scaled.Select(v => Math.Abs(v - median))]);
        if (mad == 0)
        {
            return null;
        }

        var halfWidth = Threshold * mad / MadScale;
        var (lower, upper) = (median - halfWidth, median + halfWidth);
        if (logScale)
        {
            (lower, upper) = (Math.Exp(lower), Math.Exp(upper));
        }

        return new PeerBand(RoundOutward(lower, down: true), RoundOutward(upper, down: false), peerValues.Count);
    }

    static List<decimal> PeerValues(IReadOnlyList<IReadOnlyDictionary<string, decimal>> peers, string code) =>
        [.. peers.Where(p => p.ContainsKey(code)).Select(p => p[code])];

    static string Message(string what, decimal value, string unit, PeerBand band) => string.Create(
        CultureInfo.InvariantCulture,
        $"{what} = {value} {unit} is far from other Members' values this cycle: outside the band {band.Describe(unit)} computed from {band.Peers} Members' values (median ± 3.5 robust deviations, edges rounded outward to {BandSignificantFigures} significant figures).");

    /// <summary>The median; for an even count, the mean of the two middle values.</summary>
    static double Median(double[] values)
    {
        Array.Sort(values);
        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /// <summary>
    /// <paramref name="edge"/> rounded to <see cref="BandSignificantFigures"/> significant figures, down for a lower edge and
    /// up for an upper one, so the band only widens; null (no bound) when the rounded edge is beyond decimal's range.
    /// </summary>
    static decimal? RoundOutward(double edge, bool down)
    {
        if (double.IsInfinity(edge))
        {
            return null;
        }

        if (edge == 0)
        {
            return 0m;
        }

        var exponent = Math.Max((int)Math.Floor(Math.Log10(Math.Abs(edge))) - (BandSignificantFigures - 1), FinestExponent);
        double Mantissa() => down ? Math.Floor(edge / Math.Pow(10, exponent)) : Math.Ceiling(edge / Math.Pow(10, exponent));
        var limit = Math.Pow(10, BandSignificantFigures);
        var mantissa = Mantissa();
        while (Math.Abs(mantissa) > limit)
        {
            // Log10 can land one below an exact power of ten; one more step keeps the figures to the promised count.
            exponent++;
            mantissa = Mantissa();
        }

        var digits = (long)mantissa;
        while (digits != 0 && digits % 10 == 0)
        {
            digits /= 10;
            exponent++;
        }

        if (exponent < 0)
        {
            return new decimal((int)Math.Abs(digits), 0, 0, digits < 0, (byte)-exponent);
        }

        var scale = 1m;
        for (var i = 0; i < exponent; i++)
        {
            if (scale * Math.Abs(digits) > decimal.MaxValue / 10)
            {
                return null;
            }

            scale *= 10;
        }

        return digits * scale;
    }
}

/// <summary>
/// The band of usual values among at least <see cref="PeerComparison.MinimumPeers"/> peers, edges already rounded outward;
/// a null edge is unbounded. The only figures of the peers a warning shows.
/// </summary>
public sealed record PeerBand(decimal? Lower, decimal? Upper, int Peers)
{
    public bool Excludes(decimal value) => value < Lower || value > Upper;

    public string Expected => Describe(unit: null);

    public string Describe(string? unit)
    {
        var suffix = string.IsNullOrEmpty(unit) ? "" : " " + unit;
        return (Lower, Upper) switch
        {
            ({ } lower, { } upper) => string.Create(CultureInfo.InvariantCulture, $"{lower} to {upper}{suffix}"),
            ({ } lower, null) => string.Create(CultureInfo.InvariantCulture, $"{lower}{suffix} or more"),
            (null, { } upper) => string.Create(CultureInfo.InvariantCulture, $"{upper}{suffix} or less"),
            _ => "any value",
        };
    }
}
