using System.Text;
using Pmm.Core.Catalogue;

namespace Pmm.Core.Tests;

public class CatalogueTests
{
    static KpiCatalogue LoadText(string json) => KpiCatalogue.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test.json");

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
}
