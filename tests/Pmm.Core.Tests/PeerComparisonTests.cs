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
        var peers = Peers(97.5m, 98.1m, 99.0m, 98.6m, 96.9m, 99.4m, 92.0m);

        var finding = Assert.Single(PeerComparison.Check(Catalogue, Own(40m), peers));
        Assert.Equal((RuleIds.PeerOutlier, Severity.Warning, "TF-01"), (finding.RuleId, finding.Severity, finding.ItemCode));
        Assert.Empty(PeerComparison.Check(Catalogue, Own(96m), peers));
    }

    // Too few peers, or peers that all agree (MAD 0), give no verdict rather than a false alarm.
    [Fact]
    public void Check_FewOrIdenticalPeers_NoWarning()
    {
        Assert.Empty(PeerComparison.Check(Catalogue, Own(10m), Peers(98m, 99m, 97m, 98.5m)));
        Assert.Empty(PeerComparison.Check(Catalogue, Own(10m), Peers(100m, 100m, 100m, 100m, 100m, 100m)));
    }

    // Members differ in size by orders of magnitude, so volumes are compared on a log scale: among peers from 400 to 400,000
    // declarations, a Member with a million is not flagged, one with a billion (a unit slip) is, at the value's line and column.
    [Fact]
    public void Validate_ItemFarFromPeersOnLogScale_WarningAtValue()
    {
        IReadOnlyList<IReadOnlyDictionary<string, decimal>> peers = [.. new[] { 800m, 12_000m, 95_000m, 3_000m, 400_000m, 1_500m, 70_000m }
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

        var result = new SubmissionValidator(Catalogue).Validate(TestData.Read(csv), TestData.Year, Peers(97.5m, 98.1m, 99.0m, 98.6m, 96.9m, 99.4m));

        Assert.Equal(ValidationStatus.AcceptedWithWarnings, result.Status);
        Assert.Equal(RuleIds.PeerOutlier, Assert.Single(result.Findings).RuleId);
        Assert.Equal(40m, result.KpiValues["TF-01"]);
    }
}
