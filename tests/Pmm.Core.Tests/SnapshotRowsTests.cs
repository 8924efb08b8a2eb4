using System.Security.Cryptography;
using System.Text;
using Pmm.Core.Benchmarks;
using Pmm.Core.Catalogue;

namespace Pmm.Core.Tests;

/// <summary>The rows hash of a snapshot: canonical, order-free, reproducible from the same inputs.</summary>
public class SnapshotRowsTests
{
    static readonly KpiCatalogue Catalogue = KpiCatalogue.LoadEmbedded();
    static readonly MemberDirectory Members = MemberDirectory.LoadEmbedded();

    /// <summary>Generated Members (seeded): random values and disclosure choices over every KPI.</summary>
    static List<MemberKpis> Inputs(int seed, int count)
    {
        var random = new Random(seed);
        var codes = Members.ByCode.Keys.Order(StringComparer.Ordinal).OrderBy(_ => random.Next()).Take(count).ToList();
        return [.. codes.Select(code => new MemberKpis(
            code,
            Catalogue.Kpis.ToDictionary(k => k.Code, _ => Math.Round((decimal)(random.NextDouble() * 1000), 6), StringComparer.Ordinal),
            Catalogue.Kpis.ToDictionary(k => k.Code, _ => Catalogue.DisclosureLevels[random.Next(Catalogue.DisclosureLevels.Count)], StringComparer.Ordinal)))];
    }

    // Computing again from the same inputs (in another order) gives identical rows and the same hash.
    [Theory]
    [InlineData(1, 12)]
    [InlineData(2, 60)]
    [InlineData(3, 181)]
    public void Hash_SameInputsComputedAgain_IdenticalRowsAndHash(int seed, int count)
    {
        var inputs = Inputs(seed, count);
        var parameters = new DisclosureParameters(5, 10);

        var first = BenchmarkCalculator.Compute(Catalogue, Members, inputs, parameters, 2);
        var again = BenchmarkCalculator.Compute(Catalogue, Members, Enumerable.Reverse(inputs).ToList(), parameters, 2);

        Assert.Equal(SnapshotRows.Canonical(first), SnapshotRows.Canonical(again));
        Assert.Equal(SnapshotRows.Hash(first), SnapshotRows.Hash(again));
        Assert.Equal(SnapshotRows.Hash(first), SnapshotRows.Hash(first.Reverse()));
    }

    // Any change of a published figure, a count, a status or a reason changes the hash.
    [Fact]
    public void Hash_OneFigureChanged_Differs()
    {
        Benchmark row = new("TF-01", "global", "all", "public", 5, 95.5, 90, 96, 99.25, Confidentiality.Free, SuppressionReasons.QuantilesBelowThreshold);
        var hash = SnapshotRows.Hash([row]);

        Assert.NotEqual(hash, SnapshotRows.Hash([row with { Mean = 95.500001 }]));
        Assert.NotEqual(hash, SnapshotRows.Hash([row with { N = 6 }]));
        Assert.NotEqual(hash, SnapshotRows.Hash([row with { Reason = null }]));
        Assert.NotEqual(hash, SnapshotRows.Hash([row with { Audience = "wco" }]));
    }

    // The canonical form the README documents, so a reimplementation can check a published hash: rows by row key
    // (ordinal), tab-separated key, n, mean, Q1, median, Q3 (6 decimals), confidentiality, reason, each line ended by LF.
    [Fact]
    public void Canonical_TwoRows_DocumentedForm()
    {
        Benchmark published = new("TF-01", "region", "EUR", "public", 12, 60, 57.25, 60.5, 61.123456789, Confidentiality.Free, null);
        Benchmark suppressed = new("TF-01", "global", "all", "wco", null, null, null, null, null, Confidentiality.Primary, SuppressionReasons.BelowThreshold);

        var text = SnapshotRows.Canonical([suppressed, published]);

        Assert.Equal("public~TF-01~region~EUR\t12\t60.000000\t57.250000\t60.500000\t61.123457\tF\t\nwco~TF-01~global~all\t\t\t\t\t\tC\tbelow-threshold\n", text);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), SnapshotRows.Hash([published, suppressed]));
    }
}
