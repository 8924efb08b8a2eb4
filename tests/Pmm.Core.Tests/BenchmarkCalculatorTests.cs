using Pmm.Core.Benchmarks;
using Pmm.Core.Catalogue;

namespace Pmm.Core.Tests;

public class BenchmarkCalculatorTests
{
    static readonly KpiCatalogue Catalogue = KpiCatalogue.LoadEmbedded();
    static readonly MemberDirectory Members = MemberDirectory.LoadEmbedded();

    /// <summary>The most restricted audience, which sees every value.</summary>
    static readonly string Widest = Catalogue.DisclosureLevels[^1];

    static MemberKpis M(string code, decimal tf01, string? level = null) => new(
        code,
        new Dictionary<string, decimal> { ["TF-01"] = tf01 },
        level is null ? null : new Dictionary<string, string> { ["TF-01"] = level });

    /// <summary>Thresholds of 3 with no audience guarded against differencing: these tests look at routing and statistics alone.</summary>
    static readonly DisclosureParameters Three = new(3, 3);

    static IReadOnlyList<Benchmark> Compute(params MemberKpis[] inputs) => BenchmarkCalculator.Compute(Catalogue, Members, inputs, Three, protectedAudiences: 0);

    // A value reaches the audience of the level its Member chose and every more restricted one, never a more open one; without a choice, the KPI's default applies.
    [Fact]
    public void Compute_DisclosureLevels_ValueOnlyInAllowedAudiences()
    {
        Assert.Equal(["public", "wco", "restricted"], Catalogue.DisclosureLevels);
        Assert.Equal("public", Catalogue.Kpis.Single(k => k.Code == "TF-01").Disclosure);

        var rows = Compute(M("FRA", 90), M("ITA", 70, "public"), M("BEL", 100, "wco"), M("POL", 95, "restricted"), M("DEU", 80, "Public"));
        Benchmark Global(string audience) => rows.Single(r => r.KpiCode == "TF-01" && r.Scope == BenchmarkScopes.Global && r.Audience == audience);

        Assert.Equal((3, 80.0), (Global("public").N, Global("public").Mean!.Value));
        Assert.Equal((4, 85.0), (Global("wco").N, Global("wco").Mean!.Value));
        Assert.Equal((5, 87.0), (Global("restricted").N, Global("restricted").Mean!.Value));
    }

    // What an audience may see of one Member: KPIs at its level or more open, by choice or by the KPI's default.
    [Fact]
    public void VisibleValues_PerAudience_ChoiceOrDefault()
    {
        var restrictedByDefault = Catalogue.Kpis.First(k => k.Disclosure == "restricted").Code;
        var member = new MemberKpis(
            "FRA",
            new Dictionary<string, decimal> { ["TF-01"] = 90, ["TF-02"] = 5, [restrictedByDefault] = 1 },
            new Dictionary<string, string> { ["TF-02"] = "wco" });

        Assert.Equal(["TF-01"], BenchmarkCalculator.VisibleValues(Catalogue, member, 0).Keys);
        Assert.Equal(["TF-01", "TF-02"], BenchmarkCalculator.VisibleValues(Catalogue, member, 1).Keys.Order());
        Assert.Equal(3, BenchmarkCalculator.VisibleValues(Catalogue, member, 2).Count);
    }

    // An item is visible to an audience only if every KPI computed from it is: DECL_ELECTRONIC feeds TF-01 only, DECL_TOTAL
    // also feeds other KPIs; making TF-01 restricted hides DECL_ELECTRONIC and DECL_TOTAL from the WCO level, not from staff.
    [Fact]
    public void VisibleItems_HiddenWhenAnyKpiUsingItIsHidden()
    {
        var member = new MemberKpis("FRA", new Dictionary<string, decimal>(), new Dictionary<string, string> { ["TF-01"] = "restricted" })
        {
            Items = new Dictionary<string, decimal> { ["DECL_TOTAL"] = 1000, ["DECL_ELECTRONIC"] = 980, ["AEO_COUNT"] = 120 },
        };
        var aeoKpisOpen = Catalogue.Kpis.Where(k => (k.Formula.Numerator ?? []).Concat(k.Formula.Denominator ?? []).Append(k.Formula.Item).Contains("AEO_COUNT")).All(k => Catalogue.DisclosureLevels.ToList().IndexOf(k.Disclosure!) <= 1);

        var wco = BenchmarkCalculator.VisibleItems(Catalogue, member, 1);

        Assert.DoesNotContain("DECL_ELECTRONIC", wco.Keys);
        Assert.DoesNotContain("DECL_TOTAL", wco.Keys);
        Assert.Equal(aeoKpisOpen, wco.ContainsKey("AEO_COUNT"));
        Assert.Equal(3, BenchmarkCalculator.VisibleItems(Catalogue, member, 2).Count);
    }

    // A level the catalogue does not know counts as the most restricted: a doubt never widens the audience.
    [Fact]
    public void Compute_UnknownLevel_MostRestricted()
    {
        var rows = Compute(M("FRA", 90, "secret"), M("BEL", 91, "secret"), M("POL", 92, "secret"));

        Assert.Equal([null, null, 3], Catalogue.DisclosureLevels.Select(a => rows.Single(r => r.KpiCode == "TF-01" && r.Scope == BenchmarkScopes.Global && r.Audience == a).N));
    }

    // n, mean, first quartile, median and third quartile by definition 7, worked by hand: sorted 80, 90, 95, 100;
    // h = 3p: Q1 = 80 + 0.75·10 = 87.5, median = 90 + 0.5·5 = 92.5, Q3 = 95 + 0.25·5 = 96.25; mean 365 / 4 = 91.25.
    [Fact]
    public void Compute_Statistics_Type7ByHand()
    {
        var rows = Compute(M("FRA", 90), M("BEL", 100), M("POL", 95), M("DEU", 80), M("KEN", 50));

        var europe = rows.Single(r => r.Audience == Widest && r.KpiCode == "TF-01" && r.Group == "EUR");
        Assert.Equal((4, 91.25, 87.5, 92.5, 96.25), (europe.N, europe.Mean!.Value, europe.Q1!.Value, europe.Median!.Value, europe.Q3!.Value));
        Assert.Equal((Confidentiality.Free, (string?)null), (europe.Confidentiality, europe.Reason));
    }

    // Below the mean threshold nothing is published but the reason; between the two thresholds, n and mean only.
    [Fact]
    public void Compute_Thresholds_PrimarySuppressionAndQuantiles()
    {
        var inputs = new[] { M("FRA", 90), M("BEL", 100), M("POL", 95), M("DEU", 80), M("ITA", 70), M("KEN", 50) };

        var rows = BenchmarkCalculator.Compute(Catalogue, Members, inputs, new DisclosureParameters(5, 10), protectedAudiences: 0);

        var africa = rows.Single(r => r.Audience == Widest && r.KpiCode == "TF-01" && r.Group == "ESA");
        Assert.Equal((Confidentiality.Primary, SuppressionReasons.BelowThreshold, (int?)null, (double?)null, (double?)null), (africa.Confidentiality, africa.Reason, africa.N, africa.Mean, africa.Median));
        var europe = rows.Single(r => r.Audience == Widest && r.KpiCode == "TF-01" && r.Group == "EUR");
        Assert.Equal((Confidentiality.Free, SuppressionReasons.QuantilesBelowThreshold, (int?)5, 87.0), (europe.Confidentiality, europe.Reason, europe.N, europe.Mean!.Value));
        Assert.Equal((null, null, null), (europe.Q1, europe.Median, europe.Q3));
    }

    // One row per KPI, audience and group, even with no data, and unknown Members are left out.
    [Fact]
    public void Compute_EveryKpiAndRegion_HasARow()
    {
        var rows = Compute(M("XXX", 1), M("YYY", 2), M("ZZZ", 3));

        Assert.Equal(Catalogue.Kpis.Count * Catalogue.DisclosureLevels.Count * (1 + Members.Regions.Count + Members.IncomeGroups.Count), rows.Count);
        Assert.All(rows, r => Assert.Equal((Confidentiality.Primary, (int?)null), (r.Confidentiality, r.N)));
    }

    // Income groups come from the Members' reference data, one row per group.
    [Fact]
    public void Compute_IncomeGroups_FromMemberData()
    {
        var high = Members.ByCode["FRA"].IncomeGroup;
        var inputs = Members.Members.Where(m => m.IncomeGroup == high).Take(4).Select((m, i) => M(m.Code, 10 * (i + 1))).ToArray();

        var rows = Compute(inputs);

        var row = rows.Single(r => r.Audience == Widest && r.KpiCode == "TF-01" && r.Scope == BenchmarkScopes.IncomeGroup && r.Group == high);
        Assert.Equal(Members.IncomeGroups.Count, rows.Count(r => r.Audience == Widest && r.KpiCode == "TF-01" && r.Scope == BenchmarkScopes.IncomeGroup));
        Assert.Equal((4, 25.0), (row.N, row.Mean!.Value));
    }
}
