using System.Text;
using Pmm.Core.Catalogue;

namespace Pmm.Core.Tests;

public class CatalogueTests
{
    static KpiCatalogue LoadText(string json) => KpiCatalogue.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test.json");

    static MemberDirectory LoadMembers(string json) => MemberDirectory.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), "members-test.json");

    /// <summary>The KPI names WCO has published (docs/domain.md); only these may be marked as sourced.</summary>
    static readonly string[] PublishedKpiNames =
    [
        "Rate of electronic declarations",
        "Share of e-commerce shipments",
        "AEO involvement in trade",
        "Variation in the number of AEOs",
        "Variation in the number of alcohol seizures",
        "Annual variation in requests for information",
        "Data standardization",
        "Effectiveness of post-clearance controls",
        "Effectiveness of controls on drugs",
    ];

    const string Structure = """
        "disclosureLevels": ["public", "wco", "restricted"],
        "dimensions": [ { "code": "TF", "name": "Trade Facilitation" } ],
        "outcomes": [ { "code": "TF.1", "name": "Fast clearance", "dimension": "TF" } ]
        """;

    const string Items = """
        "dataItems": [
          { "code": "A", "label": "A", "valueType": "count", "unit": "n", "integer": true, "required": true, "previousYear": false },
          { "code": "B", "label": "B", "valueType": "count", "unit": "n", "integer": true, "required": true, "previousYear": false }
        ]
        """;

    // The shipped catalogue loads, and every KPI whose name WCO published is marked as sourced.
    [Fact]
    public void LoadEmbedded_ShippedCatalogue_IsConsistent()
    {
        var catalogue = KpiCatalogue.LoadEmbedded();

        Assert.NotEmpty(catalogue.Kpis);
        Assert.Contains(catalogue.Kpis, k => k.Name == "Rate of electronic declarations" && k.Provenance == "sourced");
        Assert.All(catalogue.Kpis, k => Assert.Contains(k.Provenance, new[] { "sourced", "illustrative" }));
    }

    // A KPI referring to an item that does not exist stops loading, naming the KPI and the item.
    [Fact]
    public void Load_UnknownItemInFormula_NamesKpiAndItem()
    {
        var ex = Assert.Throws<CatalogueException>(() => LoadText($$"""
            { "version": "t", {{Items}}, "kpis": [ { "code": "K1", "name": "k", "dimension": "d", "unit": "%", "direction": "higher", "provenance": "illustrative",
              "formula": { "kind": "ratio", "numerator": ["A"], "denominator": ["MISSING"] } } ] }
            """));

        Assert.Contains("K1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MISSING", ex.Message, StringComparison.Ordinal);
    }

    // A variation KPI needs its item to be asked for year T-1 too.
    [Fact]
    public void Load_VariationOfItemWithoutPreviousYear_Fails()
    {
        var ex = Assert.Throws<CatalogueException>(() => LoadText($$"""
            { "version": "t", {{Items}}, "kpis": [ { "code": "K2", "name": "k", "dimension": "d", "unit": "%", "direction": "higher", "provenance": "sourced",
              "formula": { "kind": "variation", "item": "A" } } ] }
            """));

        Assert.Contains("previousYear", ex.Message, StringComparison.Ordinal);
    }

    // Duplicate data item codes are refused.
    [Fact]
    public void Load_DuplicateItem_Fails()
    {
        var ex = Assert.Throws<CatalogueException>(() => LoadText("""
            { "version": "t", "dataItems": [ { "code": "A", "label": "A", "valueType": "count", "unit": "n" }, { "code": "a", "label": "A", "valueType": "count", "unit": "n" } ], "kpis": [] }
            """));

        Assert.Contains("duplicate", ex.Message, StringComparison.Ordinal);
    }

    // Every shipped Member belongs to one of the six WCO regions.
    [Fact]
    public void MemberDirectory_Embedded_HasSixRegionsAndValidMembers()
    {
        var members = MemberDirectory.LoadEmbedded();

        Assert.Equal(6, members.Regions.Count);
        Assert.All(members.Members, m => Assert.Contains(members.Regions, r => r.Code == m.Region));
        Assert.Equal("ESA", members.ByCode["KEN"].Region);
    }

    // A rule naming an unknown item, or comparing years of an item not asked for T-1, stops loading and names the rule.
    [Theory]
    [InlineData("""{ "id": "R1", "kind": "partOfTotal", "part": "A", "total": "NOPE", "severity": "error", "message": "m", "hint": "h" }""", "NOPE")]
    [InlineData("""{ "id": "R1", "kind": "yearOnYear", "item": "A", "maxRatio": 2, "severity": "warning", "message": "m", "hint": "h" }""", "T-1")]
    [InlineData("""{ "id": "R1", "kind": "partOfTotal", "part": "A", "total": "B", "severity": "fatal", "message": "m", "hint": "h" }""", "severity")]
    public void Load_BadRule_NamesRule(string rule, string mentions)
    {
        var ex = Assert.Throws<CatalogueException>(() => LoadText($$"""{ "version": "t", {{Items}}, "kpis": [], "rules": [ {{rule}} ] }"""));

        Assert.Contains("R1", ex.Message, StringComparison.Ordinal);
        Assert.Contains(mentions, ex.Message, StringComparison.Ordinal);
    }

    // The shipped catalogue has WCO's shape for the current cycle: 4 dimensions, 26 expected outcomes, 55 KPIs,
    // every KPI under a known outcome and every outcome measured by at least one KPI.
    [Fact]
    public void LoadEmbedded_ShippedCatalogue_HasPmmShape()
    {
        var catalogue = KpiCatalogue.LoadEmbedded();

        Assert.Equal(4, catalogue.Dimensions.Count);
        Assert.Equal(26, catalogue.Outcomes.Count);
        Assert.Equal(55, catalogue.Kpis.Count);
        Assert.All(catalogue.Kpis, k => Assert.Contains(catalogue.Outcomes, o => o.Code == k.Outcome));
        Assert.All(catalogue.Outcomes, o => Assert.Contains(catalogue.Kpis, k => k.Outcome == o.Code));
        Assert.All(catalogue.Dimensions, d => Assert.Contains(catalogue.Outcomes, o => o.Dimension == d.Code));
        Assert.All(catalogue.Kpis, k => Assert.Equal(catalogue.Dimensions.Single(d => d.Code == catalogue.Outcomes.Single(o => o.Code == k.Outcome).Dimension).Name, k.Dimension));
        Assert.All(catalogue.Kpis, k => Assert.Contains(k.Disclosure, catalogue.DisclosureLevels));
        Assert.Equal(["public", "wco", "restricted"], catalogue.DisclosureLevels);
        Assert.Equal("Trade Facilitation and Economic Competitiveness", catalogue.Kpis.Single(k => k.Code == "TF-01").Dimension);
    }

    // Exactly the KPI names WCO has published are marked as sourced, and all of them are in the catalogue.
    [Fact]
    public void LoadEmbedded_SourcedKpis_AreExactlyThePublishedNames()
    {
        var catalogue = KpiCatalogue.LoadEmbedded();

        var sourced = catalogue.Kpis.Where(k => k.Provenance == "sourced").Select(k => k.Name).Order(StringComparer.Ordinal);
        var published = PublishedKpiNames.Where(n => catalogue.Kpis.Any(k => k.Name == n)).Order(StringComparer.Ordinal);
        Assert.Equal(published, sourced);
        Assert.Equal(PublishedKpiNames.Length, sourced.Count());
    }

    // The required items stay the four the submission corpus relies on; every other item is optional.
    [Fact]
    public void LoadEmbedded_RequiredItems_AreTheFourCoreItems()
    {
        var catalogue = KpiCatalogue.LoadEmbedded();

        Assert.Equal(["DECL_TOTAL", "DECL_ELECTRONIC", "AEO_COUNT", "TRADE_VALUE"], catalogue.Items.Where(i => i.Required).Select(i => i.Code));
    }

    // A catalogue with outcomes derives each KPI's dimension from its outcome, and a KPI without a disclosure level gets the most restrictive one.
    [Fact]
    public void Load_KpiWithOutcome_DimensionAndDefaultDisclosure()
    {
        var catalogue = LoadText($$"""
            { "version": "t", {{Structure}}, {{Items}}, "kpis": [ { "code": "K1", "name": "k", "outcome": "tf.1", "unit": "%", "direction": "higher", "provenance": "illustrative",
              "formula": { "kind": "ratio", "numerator": ["A"], "denominator": ["B"] } } ] }
            """);

        var kpi = Assert.Single(catalogue.Kpis);
        Assert.Equal(("Trade Facilitation", "TF.1", "restricted", "mean-median"), (kpi.Dimension, kpi.Outcome, kpi.Disclosure, kpi.Benchmark));
    }

    // Catalogue structure errors stop loading and name the entry at fault.
    [Theory]
    [InlineData("\"outcome\": \"TF.9\"", "TF.9")]
    [InlineData("\"outcome\": \"TF.1\", \"disclosure\": \"secret\"", "secret")]
    [InlineData("\"outcome\": \"TF.1\", \"dimension\": \"Revenue Collection\"", "Revenue Collection")]
    [InlineData("\"outcome\": \"TF.1\", \"benchmark\": \"mode\"", "mode")]
    [InlineData("\"dimension\": \"d\"", "outcome")]
    public void Load_BadKpiStructure_NamesKpi(string fields, string mentions)
    {
        var ex = Assert.Throws<CatalogueException>(() => LoadText($$"""
            { "version": "t", {{Structure}}, {{Items}}, "kpis": [ { "code": "K7", "name": "k", {{fields}}, "unit": "%", "direction": "higher", "provenance": "illustrative",
              "formula": { "kind": "ratio", "numerator": ["A"], "denominator": ["B"] } } ] }
            """));

        Assert.Contains("K7", ex.Message, StringComparison.Ordinal);
        Assert.Contains(mentions, ex.Message, StringComparison.Ordinal);
    }

    // Duplicate dimension or outcome codes, and outcomes in unknown dimensions, are refused.
    [Theory]
    [InlineData("""[ { "code": "TF", "name": "a" }, { "code": "TF", "name": "b" } ]""", """[]""", "duplicate code 'TF'")]
    [InlineData("""[ { "code": "TF", "name": "a" } ]""", """[ { "code": "TF.1", "name": "a", "dimension": "TF" }, { "code": "TF.1", "name": "b", "dimension": "TF" } ]""", "duplicate code 'TF.1'")]
    [InlineData("""[ { "code": "TF", "name": "a" } ]""", """[ { "code": "XX.1", "name": "a", "dimension": "XX" } ]""", "XX.1")]
    public void Load_BadDimensionsOrOutcomes_Fails(string dimensions, string outcomes, string mentions)
    {
        var ex = Assert.Throws<CatalogueException>(() => LoadText($$"""{ "version": "t", "dimensions": {{dimensions}}, "outcomes": {{outcomes}}, {{Items}}, "kpis": [] }"""));

        Assert.Contains(mentions, ex.Message, StringComparison.Ordinal);
    }

    // The shipped Member list covers WCO's membership: unique ISO codes, every region and every income group used.
    [Fact]
    public void MemberDirectory_Embedded_CoversMembershipAndAttributes()
    {
        var members = MemberDirectory.LoadEmbedded();

        Assert.True(members.Members.Count >= 170, $"only {members.Members.Count} members");
        Assert.Equal(members.Members.Count, members.Members.Select(m => m.Code).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(members.Regions.Select(r => r.Code).Order(StringComparer.Ordinal), members.Members.Select(m => m.Region).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(["low", "lower-middle", "upper-middle", "high"], members.IncomeGroups);
        Assert.Equal(members.IncomeGroups.Order(StringComparer.Ordinal), members.Members.Select(m => m.IncomeGroup).OfType<string>().Distinct().Order(StringComparer.Ordinal));
        Assert.All(members.Members, m => Assert.Contains(m.AdministrationType, AdministrationTypes.All));
        Assert.Equal("2026-11", members.AsOf);
    }

    // The Members of the starter file keep their codes and regions.
    [Theory]
    [InlineData("BRA", "AMC")]
    [InlineData("CAN", "AMC")]
    [InlineData("JAM", "AMC")]
    [InlineData("BEL", "EUR")]
    [InlineData("FRA", "EUR")]
    [InlineData("POL", "EUR")]
    [InlineData("JPN", "APAC")]
    [InlineData("IND", "APAC")]
    [InlineData("FJI", "APAC")]
    [InlineData("MAR", "NAMME")]
    [InlineData("JOR", "NAMME")]
    [InlineData("EGY", "NAMME")]
    [InlineData("KEN", "ESA")]
    [InlineData("UGA", "ESA")]
    [InlineData("ZAF", "ESA")]
    [InlineData("SEN", "WCA")]
    [InlineData("CIV", "WCA")]
    [InlineData("NGA", "WCA")]
    public void MemberDirectory_Embedded_KeepsStarterRegions(string code, string region)
    {
        Assert.Equal(region, MemberDirectory.LoadEmbedded().ByCode[code].Region);
    }

    // A Member with an income group or administration type outside the lists stops loading, naming the Member.
    [Theory]
    [InlineData("\"incomeGroup\": \"middle\"", "middle")]
    [InlineData("\"incomeGroup\": \"high\", \"administrationType\": \"ministry\"", "ministry")]
    public void MemberDirectory_BadAttribute_NamesMember(string fields, string mentions)
    {
        var ex = Assert.Throws<CatalogueException>(() => LoadMembers($$"""
            { "incomeGroups": ["low", "lower-middle", "upper-middle", "high"], "regions": [ { "code": "EUR", "name": "Europe" } ],
              "members": [ { "code": "FRA", "name": "France", "region": "EUR", {{fields}} } ] }
            """));

        Assert.Contains("FRA", ex.Message, StringComparison.Ordinal);
        Assert.Contains(mentions, ex.Message, StringComparison.Ordinal);
    }

    // A Member given with only code, name and region still loads, with an unknown administration type and no income group.
    [Fact]
    public void MemberDirectory_MinimalMember_Defaults()
    {
        var member = Assert.Single(LoadMembers("""{ "regions": [ { "code": "EUR", "name": "Europe" } ], "members": [ { "code": "FRA", "name": "France", "region": "EUR" } ] }""").Members);

        Assert.Equal(new Member("FRA", "France", "EUR"), member);
        Assert.Equal(AdministrationTypes.Unknown, member.AdministrationType);
    }
}
