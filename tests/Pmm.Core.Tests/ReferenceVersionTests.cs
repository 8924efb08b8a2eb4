using System.Text;
using Pmm.Core.Catalogue;

namespace Pmm.Core.Tests;

/// <summary>What makes reference data versionable: version names, the embedded versions, content equality, clear load errors.</summary>
public class ReferenceVersionTests
{
    static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    // Versions become blob names and URL segments: letters, digits, dots, hyphens, underscores only.
    [Theory]
    [InlineData("2026.1", true)]
    [InlineData("2026.1-test", true)]
    [InlineData("v2_draft", true)]
    [InlineData("", false)]
    [InlineData(".hidden", false)]
    [InlineData("2026/1", false)]
    [InlineData("2026 1", false)]
    [InlineData("a123456789012345678901234567890123456789", true)]
    [InlineData("a1234567890123456789012345678901234567890", false)]
    public void IsReferenceVersion_Shapes(string version, bool valid) =>
        Assert.Equal(valid, Identifiers.IsReferenceVersion(version));

    // The shipped catalogue and Members set carry the versions cycles pin by default, and are loaded once.
    [Fact]
    public void Embedded_HaveVersions_AndAreShared()
    {
        Assert.Equal("2026.1", KpiCatalogue.Embedded.Version);
        Assert.Equal("2026.1", MemberDirectory.Embedded.Version);
        Assert.Same(KpiCatalogue.Embedded, KpiCatalogue.Embedded);
        Assert.Equal(MemberDirectory.LoadEmbedded().Members.Count, MemberDirectory.Embedded.Members.Count);
    }

    // Layout, comments, a BOM and property order are not content; values and array order are.
    [Fact]
    public void SameContent_IgnoresLayoutButNotValues()
    {
        var original = Utf8("""{ "version": "1", "items": [ { "code": "A", "required": true }, { "code": "B" } ] }""");
        var relaid = Utf8("\uFEFF{\n  // comment\n  \"items\": [{\"required\":true,\"code\":\"A\"},{\"code\":\"B\"}],\n  \"version\": \"1\"\n}");
        var changed = Utf8("""{ "version": "1", "items": [ { "code": "A", "required": false }, { "code": "B" } ] }""");
        var reordered = Utf8("""{ "version": "1", "items": [ { "code": "B" }, { "code": "A", "required": true } ] }""");

        Assert.True(ReferenceDocuments.SameContent(original, relaid));
        Assert.False(ReferenceDocuments.SameContent(original, changed));
        Assert.False(ReferenceDocuments.SameContent(original, reordered));
    }

    // A null entry in a list is a load error naming the list and position, not a crash.
    [Theory]
    [InlineData("""{ "version": "t", "dataItems": [ null ] }""", "dataItems[0]")]
    [InlineData("""{ "version": "t", "dataItems": [ { "code": "A" } ], "kpis": [ { "code": "K1", "provenance": "illustrative", "formula": { "kind": "ratio", "numerator": ["A", null], "denominator": ["A"] } } ] }""", "K1")]
    public void Load_NullEntry_Named(string json, string mentions)
    {
        var ex = Assert.Throws<CatalogueException>(() => KpiCatalogue.Load(new MemoryStream(Utf8(json)), "test.json"));

        Assert.Contains(mentions, ex.Message, StringComparison.Ordinal);
    }

    // A Members set gives its version; a null Member is named.
    [Fact]
    public void MemberDirectory_VersionAndNullMember()
    {
        const string Regions = """ "regions": [ { "code": "EUR", "name": "Europe" } ] """;
        var set = MemberDirectory.Load(new MemoryStream(Utf8($$"""{ "version": "2027.1", {{Regions}}, "members": [ { "code": "FRA", "name": "France", "region": "EUR" } ] }""")), "m.json");
        var ex = Assert.Throws<CatalogueException>(() => MemberDirectory.Load(new MemoryStream(Utf8($$"""{ "version": "2027.1", {{Regions}}, "members": [ null ] }""")), "m.json"));

        Assert.Equal("2027.1", set.Version);
        Assert.Contains("members[0]", ex.Message, StringComparison.Ordinal);
    }
}
