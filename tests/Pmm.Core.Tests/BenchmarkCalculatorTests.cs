using Pmm.Core.Benchmarks;
using Pmm.Core.Catalogue;

namespace Pmm.Core.Tests;

public class BenchmarkCalculatorTests
{
    static readonly KpiCatalogue Catalogue = KpiCatalogue.LoadEmbedded();
    static readonly MemberDirectory Members = MemberDirectory.LoadEmbedded();

    static MemberKpis M(string code, decimal tf01) => new(code, new Dictionary<string, decimal> { ["TF-01"] = tf01 });

    // Global and regional n, mean and median; the median of an even count is the mean of the middle two.
    [Fact]
    public void Compute_GlobalAndRegion_MeanAndMedian()
    {
        var rows = BenchmarkCalculator.Compute(Catalogue, Members, [M("FRA", 90), M("BEL", 100), M("POL", 95), M("KEN", 50)], minimumRespondents: 3);

        var global = rows.Single(r => r.KpiCode == "TF-01" && r.Scope == BenchmarkScopes.Global);
        Assert.Equal(4, global.N);
        Assert.Equal(83.75, global.Mean!.Value, 10);
        Assert.Equal(92.5, global.Median!.Value, 10);
        var europe = rows.Single(r => r.KpiCode == "TF-01" && r.Group == "EUR");
        Assert.Equal((3, 95.0, 95.0), (europe.N, europe.Mean!.Value, europe.Median!.Value));
    }

    // Groups under the publication threshold carry n only, so one Member's value cannot be read off.
    [Fact]
    public void Compute_SmallGroup_Suppressed()
    {
        var rows = BenchmarkCalculator.Compute(Catalogue, Members, [M("FRA", 90), M("BEL", 100), M("POL", 95), M("KEN", 50)], minimumRespondents: 3);

        var africa = rows.Single(r => r.KpiCode == "TF-01" && r.Group == "ESA");
        Assert.True(africa.Suppressed);
        Assert.Equal(1, africa.N);
        Assert.Null(africa.Mean);
        Assert.Null(africa.Median);
    }

    // One row per KPI and scope, even with no data, and unknown Members are left out.
    [Fact]
    public void Compute_EveryKpiAndRegion_HasARow()
    {
        var rows = BenchmarkCalculator.Compute(Catalogue, Members, [M("XXX", 1)], minimumRespondents: 1);

        Assert.Equal(Catalogue.Kpis.Count * (1 + Members.Regions.Count + Members.IncomeGroups.Count), rows.Count);
        Assert.All(rows, r => Assert.Equal(0, r.N));
    }

    // Income groups come from the Members' reference data, one row per group.
    [Fact]
    public void Compute_IncomeGroups_FromMemberData()
    {
        var rows = BenchmarkCalculator.Compute(Catalogue, Members, [M("FRA", 90), M("BEL", 100), M("POL", 95), M("KEN", 50)], minimumRespondents: 1);

        var high = rows.Single(r => r.KpiCode == "TF-01" && r.Scope == BenchmarkScopes.IncomeGroup && r.Group == Members.ByCode["FRA"].IncomeGroup);
        Assert.Equal(rows.Count(r => r.KpiCode == "TF-01" && r.Scope == BenchmarkScopes.IncomeGroup), Members.IncomeGroups.Count);
        Assert.Equal(new[] { "BEL", "FRA", "POL" }.Count(c => Members.ByCode[c].IncomeGroup == high.Group), high.N);
    }
}
