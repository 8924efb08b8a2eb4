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

    // A value reaches the audience of the level its Member chose and every more restricted one, never a more open one; without a choice, the KPI's default applies.
    [Fact]
    public void Compute_DisclosureLevels_ValueOnlyInAllowedAudiences()
    {
        Assert.Equal(["public", "wco", "restricted"], Catalogue.DisclosureLevels);
        Assert.Equal("public", Catalogue.Kpis.Single(k => k.Code == "TF-01").Disclosure);

        var rows = BenchmarkCalculator.Compute(Catalogue, Members, [M("FRA", 90), M("BEL", 100, "wco"), M("POL", 95, "restricted"), M("DEU", 80, "Public")], new DisclosureParameters(3, 3), 2);
        Benchmark Global(string audience) => rows.Single(r => r.KpiCode == "TF-01" && r.Scope == BenchmarkScopes.Global && r.Audience == audience);

        Assert.Equal((2, 85.0), (Global("public").N, Global("public").Mean!.Value));
        Assert.Equal((3, 90.0), (Global("wco").N, Global("wco").Mean!.Value));
        Assert.Equal((4, 91.25), (Global("restricted").N, Global("restricted").Mean!.Value));
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
        var rows = BenchmarkCalculator.Compute(Catalogue, Members, [M("FRA", 90, "secret")], new DisclosureParameters(3, 3), 2);

        Assert.Equal([0, 0, 1], Catalogue.DisclosureLevels.Select(a => rows.Single(r => r.KpiCode == "TF-01" && r.Scope == BenchmarkScopes.Global && r.Audience == a).N));
    }

    // Global and regional n, mean and median; the median of an even count is the mean of the middle two.
    [Fact]
    public void Compute_GlobalAndRegion_MeanAndMedian()
    {
        var rows = BenchmarkCalculator.Compute(Catalogue, Members, [M("FRA", 90), M("BEL", 100), M("POL", 95), M("KEN", 50)], new DisclosureParameters(3, 3), 2);

        var global = rows.Single(r => r.Audience == Widest && r.KpiCode == "TF-01" && r.Scope == BenchmarkScopes.Global);
        Assert.Equal(4, global.N);
        Assert.Equal(83.75, global.Mean!.Value, 10);
        Assert.Equal(92.5, global.Median!.Value, 10);
        var europe = rows.Single(r => r.Audience == Widest && r.KpiCode == "TF-01" && r.Group == "EUR");
        Assert.Equal((3, 95.0, 95.0), (europe.N, europe.Mean!.Value, europe.Median!.Value));
    }

    // Groups under the publication threshold carry n only, so one Member's value cannot be read off.
    [Fact]
    public void Compute_SmallGroup_Suppressed()
    {
        var rows = BenchmarkCalculator.Compute(Catalogue, Members, [M("FRA", 90), M("BEL", 100), M("POL", 95), M("KEN", 50)], new DisclosureParameters(3, 3), 2);

        var africa = rows.Single(r => r.Audience == Widest && r.KpiCode == "TF-01" && r.Group == "ESA");
        Assert.True(africa.Suppressed);
        Assert.Equal(1, africa.N);
        Assert.Null(africa.Mean);
        Assert.Null(africa.Median);
    }

    // One row per KPI and scope, even with no data, and unknown Members are left out.
    [Fact]
    public void Compute_EveryKpiAndRegion_HasARow()
    {
        var rows = BenchmarkCalculator.Compute(Catalogue, Members, [M("XXX", 1)], new DisclosureParameters(3, 3), 2);

        Assert.Equal(Catalogue.Kpis.Count * Catalogue.DisclosureLevels.Count * (1 + Members.Regions.Count + Members.IncomeGroups.Count), rows.Count);
        Assert.All(rows, r => Assert.Equal(0, r.N));
    }

    // Income groups come from the Members' reference data, one row per group.
    [Fact]
    public void Compute_IncomeGroups_FromMemberData()
    {
        var rows = BenchmarkCalculator.Compute(Catalogue, Members, [M("FRA", 90), M("BEL", 100), M("POL", 95), M("KEN", 50)], new DisclosureParameters(3, 3), 2);

        var high = rows.Single(r => r.Audience == Widest && r.KpiCode == "TF-01" && r.Scope == BenchmarkScopes.IncomeGroup && r.Group == Members.ByCode["FRA"].IncomeGroup);
        Assert.Equal(rows.Count(r => r.Audience == Widest && r.KpiCode == "TF-01" && r.Scope == BenchmarkScopes.IncomeGroup), Members.IncomeGroups.Count);
        Assert.Equal(new[] { "BEL", "FRA", "POL" }.Count(c => Members.ByCode[c].IncomeGroup == high.Group), high.N);
    }
}
