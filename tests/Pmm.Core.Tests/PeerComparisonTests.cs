using System.Globalization;
using System.Text.RegularExpressions;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Tests;

public class PeerComparisonTests
{
    static readonly KpiCatalogue Catalogue = KpiCatalogue.LoadEmbedded();

    static IReadOnlyList<IReadOnlyDictionary<string, decimal>> Peers(params decimal[] tf01) =>
        [.. tf01.Select(v => (IReadOnlyDictionary<string, decimal>)new Dictionary<string, decimal> { ["TF-01"] = v })];

    static Dictionary<string, decimal> Own(decimal tf01) => new() { ["TF-01"] = tf01 };

    // Skewed data clustered near 100 %: a value of 40 % stands out; 96 % does not.
    [Fact]
    public void Check_FarFromSkewedPeers_Warning()
    {
        var peers = Peers(97.5m, 98.1m, 99.0m, 98.6m, 96.9m, 99.4m, 92.0m, 95.3m, 97.8m, 98.2m);

        var finding = Assert.Single(PeerComparison.Check(Catalogue, Own(40m), peers));
        Assert.Equal((RuleIds.PeerOutlier, Severity.Warning, "TF-01"), (finding.RuleId, finding.Severity, finding.ItemCode));
        Assert.Empty(PeerComparison.Check(Catalogue, Own(96m), peers));
    }

    // Too few peers, or peers that all agree (MAD 0), give no verdict rather than a false alarm.
    [Fact]
    public void Check_FewOrIdenticalPeers_NoWarning()
    {
        Assert.Empty(PeerComparison.Check(Catalogue, Own(10m), Peers(98m, 99m, 97m, 98.5m)));
        Assert.Empty(PeerComparison.Check(Catalogue, Own(10m), Peers([.. Enumerable.Repeat(100m, PeerComparison.MinimumPeers)])));
    }

    // Members differ in size by orders of magnitude, so volumes are compared on a log scale: among peers from 400 to 400,000
    // declarations, a Member with a million is not flagged, one with a billion (a unit slip) is, at the value's line and column.
    [Fact]
    public void Validate_ItemFarFromPeersOnLogScale_WarningAtValue()
    {
        IReadOnlyList<IReadOnlyDictionary<string, decimal>> peers = [.. new[] { 800m, 12_000m, 95_000m, 3_000m, 400_000m, 1_500m, 70_000m, 25_000m, 6_000m, 150_000m }
            .Select(v => (IReadOnlyDictionary<string, decimal>)new Dictionary<string, decimal> { ["DECL_TOTAL"] = v, ["DECL_ELECTRONIC"] = v * 0.95m })];
        var validator = new SubmissionValidator(Catalogue);
        string Csv(string total, string electronic) => TestData.ValidCsv()
            .Replace("DECL_TOTAL,2025,1000", $"DECL_TOTAL,2025,{total}", StringComparison.Ordinal)
            .Replace("DECL_ELECTRONIC,2025,985", $"DECL_ELECTRONIC,2025,{electronic}", StringComparison.Ordinal);

        var far = validator.Validate(TestData.Read(Csv("1000000000", "985000000")), TestData.Year, peerItems: peers);
        var near = validator.Validate(TestData.Read(Csv("1000000", "985000")), TestData.Year, peerItems: peers);

        Assert.Equal(ValidationStatus.AcceptedWithWarnings, far.Status);
        Assert.Equal(
            [("DECL_ELECTRONIC", "line 3, column 3"), ("DECL_TOTAL", "line 2, column 3")],
            far.Findings.Select(f => (Assert.IsType<string>(f.ItemCode), Assert.IsType<string>(f.Pointer))).Order());
        Assert.All(far.Findings, f => Assert.Equal((RuleIds.PeerItemOutlier, Severity.Warning), (f.RuleId, f.Severity)));
        Assert.Equal(ValidationStatus.Accepted, near.Status);
        Assert.Equal(985000000m, far.ItemValues["DECL_ELECTRONIC"]);
    }

    // Through the validator: the outlier is a warning, so the submission is accepted with warnings and keeps its KPIs.
    [Fact]
    public void Validate_WithOutlierAgainstPeers_AcceptedWithWarnings()
    {
        var csv = TestData.ValidCsv().Replace("DECL_ELECTRONIC,2025,985", "DECL_ELECTRONIC,2025,400", StringComparison.Ordinal);

        var result = new SubmissionValidator(Catalogue).Validate(TestData.Read(csv), TestData.Year, Peers(97.5m, 98.1m, 99.0m, 98.6m, 96.9m, 99.4m, 95.3m, 97.8m, 98.2m, 96.1m));

        Assert.Equal(ValidationStatus.AcceptedWithWarnings, result.Status);
        Assert.Equal(RuleIds.PeerOutlier, Assert.Single(result.Findings).RuleId);
        Assert.Equal(40m, result.KpiValues["TF-01"]);
    }

    // Eleven non-round TF-01 rates: the median (97.89) is one Member's value, as in any odd-sized group.
    static readonly decimal[] Rates = [97.53m, 98.17m, 99.04m, 98.61m, 96.93m, 99.41m, 92.07m, 95.38m, 97.89m, 98.26m, 94.72m];

    // Eleven non-round declaration totals around 1.4 million, as in the validate-only probe that showed "median 1400000".
    static readonly decimal[] Totals = [1_437_219m, 1_388_604m, 1_402_917m, 1_512_383m, 1_296_441m, 1_455_068m, 1_371_532m, 1_420_775m, 1_333_619m, 1_478_251m, 1_401_983m];

    static IReadOnlyList<IReadOnlyDictionary<string, decimal>> TotalPeers(IEnumerable<decimal> totals) =>
        [.. totals.Select(v => (IReadOnlyDictionary<string, decimal>)new Dictionary<string, decimal> { ["DECL_TOTAL"] = v })];

    static List<Finding> CheckTotal(decimal own, IEnumerable<decimal> peers) =>
        [.. PeerComparison.CheckItems(Catalogue, new Dictionary<string, (decimal, string, int?)> { ["DECL_TOTAL"] = (own, "line 2, column 3", 2) }, TotalPeers(peers))];

    /// <summary>At most two significant figures (0, 92, 110, 0.28, 1400000): what rounding the band's edges produces.</summary>
    static bool IsRound(decimal value)
    {
        var digits = Math.Abs(value).ToString(CultureInfo.InvariantCulture).Replace(".", "", StringComparison.Ordinal).TrimStart('0').TrimEnd('0');
        return digits.Length <= 2;
    }

    /// <summary>The numbers in a text, after the "= " that ends the KPI or item name (whose code has digits of its own).</summary>
    static List<decimal> Numbers(string text) =>
        [.. Regex.Matches(text[(text.IndexOf("= ", StringComparison.Ordinal) + 2)..], @"-?\d+(\.\d+)?").Select(m => decimal.Parse(m.Value, NumberStyles.Number, CultureInfo.InvariantCulture))];

    // A band from fewer than ten Members says too much about each: with 5 to 9 peers even a far outlier gets no warning,
    // with the tenth it does (so the silence is the minimum, not a value that is never flagged).
    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public void Check_FiveToNinePeers_NoWarning(int count)
    {
        Assert.Empty(PeerComparison.Check(Catalogue, Own(40m), Peers([.. Rates.Take(count)])));
        Assert.Empty(CheckTotal(1_437_219_000m, Totals.Take(count)));
        Assert.Single(PeerComparison.Check(Catalogue, Own(40m), Peers([.. Rates.Take(PeerComparison.MinimumPeers)])));
        Assert.Single(CheckTotal(1_437_219_000m, Totals.Take(PeerComparison.MinimumPeers)));
    }

    // The median of an odd number of peers is one Member's raw value; the warning shows the Member's own value, the
    // number of peers and a band with round edges, never a peer's value.
    [Fact]
    public void Check_PeerMedianIsAMembersValue_FindingShowsNoPeerValue()
    {
        Assert.Contains(Rates.Order().ElementAt(Rates.Length / 2), Rates);
        Assert.Contains(Totals.Order().ElementAt(Totals.Length / 2), Totals);

        var cases = new[] { (Own: 40m, Peers: Rates), (Own: 3_141_592_653m, Peers: Totals), (Own: 141_592m, Peers: Totals) };
        var findings = new[]
        {
            Assert.Single(PeerComparison.Check(Catalogue, Own(cases[0].Own), Peers(Rates))),
            Assert.Single(CheckTotal(cases[1].Own, Totals)),
            Assert.Single(CheckTotal(cases[2].Own, Totals)),
        };

        foreach (var (finding, (own, peers)) in findings.Zip(cases))
        {
            var shown = Numbers(finding.Message).Concat(Numbers("= " + finding.Expected)).ToList();
            Assert.DoesNotContain(shown, peers.Contains);
            Assert.All(peers, p => Assert.DoesNotContain(p.ToString(CultureInfo.InvariantCulture), finding.Message + finding.Expected, StringComparison.Ordinal));
            Assert.All(peers.Where(p => p == decimal.Truncate(p)), p => Assert.DoesNotContain(p.ToString("N0", CultureInfo.InvariantCulture), finding.Message + finding.Expected, StringComparison.Ordinal));
            Assert.Contains(own, shown);
            Assert.Contains((decimal)peers.Length, shown);
            Assert.All(Numbers("= " + finding.Expected), edge => Assert.True(IsRound(edge), $"{edge} in '{finding.Expected}' has more than two significant figures"));
        }
    }

    // validate-only stores nothing and has no rate limit: sweeping the own TF-01 value from 0 to 120 % in steps of 0.01
    // (12,001 probes) finds exactly the two band edges the warning states, both round, and no peer's value.
    [Fact]
    public void Check_SweepOwnValue_DecisionChangesOnlyAtRoundBandEdges()
    {
        var peers = Peers(Rates);
        var grid = Enumerable.Range(0, 12_001).Select(i => i / 100m).ToList();
        var flagged = grid.Select(v => PeerComparison.Check(Catalogue, Own(v), peers).Any()).ToList();

        var edges = Enumerable.Range(1, grid.Count - 1)
            .Where(i => flagged[i] != flagged[i - 1])
            .Select(i => flagged[i - 1] ? grid[i] : grid[i - 1])
            .ToList();

        Assert.Equal(2, edges.Count);
        Assert.All(edges, e => Assert.True(IsRound(e), $"the decision changes at {e}, which has more than two significant figures"));
        Assert.DoesNotContain(edges, Rates.Contains);
        Assert.Equal(edges, Numbers("= " + Assert.Single(PeerComparison.Check(Catalogue, Own(0m), peers)).Expected));
    }

    // The same probe as an attacker would run it on a volume (log scale): bisecting whole numbers pins the lowest and the
    // highest value without a warning exactly, and they are round numbers, not one of the peers' totals.
    [Fact]
    public void CheckItems_BisectOwnValue_FindsOnlyRoundBandEdges()
    {
        bool Flagged(decimal own) => CheckTotal(own, Totals).Count > 0;
        // Steps of 10 % find a value without a warning, as a Member would by trying plausible totals.
        var inside = 1m;
        while (Flagged(inside))
        {
            inside = Math.Ceiling(inside * 1.1m);
        }

        decimal Boundary(decimal flaggedValue, decimal unflaggedValue)
        {
            while (Math.Abs(flaggedValue - unflaggedValue) > 1)
            {
                var middle = Math.Floor((flaggedValue + unflaggedValue) / 2);
                (flaggedValue, unflaggedValue) = Flagged(middle) ? (middle, unflaggedValue) : (flaggedValue, middle);
            }

            return unflaggedValue;
        }

        var above = inside;
        while (!Flagged(above))
        {
            above *= 10;
        }

        Assert.True(Flagged(1m));
        var edges = new[] { Boundary(1m, inside), Boundary(above, inside) };

        Assert.All(edges, e => Assert.True(IsRound(e), $"the decision changes at {e}, which has more than two significant figures"));
        Assert.DoesNotContain(edges, Totals.Contains);
        Assert.Equal(edges, Numbers("= " + Assert.Single(CheckTotal(1m, Totals)).Expected));
    }

    // Edges beyond decimal's range or finer than its 28 decimals are rounded outward too: no bound, or zero, never an error.
    [Fact]
    public void BandOf_PeersSpanningDecimalRange_RoundsOutwardWithoutOverflow()
    {
        var band = PeerComparison.BandOf([.. Enumerable.Range(0, 12).Select(i => decimal.Parse(string.Create(CultureInfo.InvariantCulture, $"3.7E{(4 * i) - 20}"), NumberStyles.Float, CultureInfo.InvariantCulture))], volume: true);

        Assert.NotNull(band);
        Assert.Equal((0m, null), (band.Lower, band.Upper));
        Assert.False(band.Excludes(decimal.MaxValue));
    }
}
