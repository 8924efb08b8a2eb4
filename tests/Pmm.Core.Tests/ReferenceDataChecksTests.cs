using System.Text;
using System.Text.Json.Nodes;
using Pmm.Core.Catalogue;

namespace Pmm.Core.Tests;

/// <summary>
/// Reference data that a cycle can always use: every code key-safe and listed once, and the sections a cycle needs
/// present. Each crafted version below was published (201) before these checks, and a cycle opened on it got stuck.
/// </summary>
public class ReferenceDataChecksTests
{
    static CatalogueException LoadCatalogue(JsonNode document) =>
        Assert.Throws<CatalogueException>(() => KpiCatalogue.Load(new MemoryStream(Encoding.UTF8.GetBytes(document.ToJsonString())), "catalogue-test.json"));

    static CatalogueException LoadMembers(JsonNode document) =>
        Assert.Throws<CatalogueException>(() => MemberDirectory.Load(new MemoryStream(Encoding.UTF8.GetBytes(document.ToJsonString())), "members-test.json"));

    static JsonObject EmbeddedCatalogue() => JsonNode.Parse(ReferenceData.Read(ReferenceData.CatalogueFile))!.AsObject();

    static JsonObject EmbeddedMembers() => JsonNode.Parse(ReferenceData.Read(ReferenceData.MembersFile))!.AsObject();

    // The shipped documents pass every check, so the crafted cases below fail for the one change each makes.
    [Fact]
    public void Load_ShippedDocuments_PassTheChecks()
    {
        Assert.NotEmpty(KpiCatalogue.Load(new MemoryStream(ReferenceData.Read(ReferenceData.CatalogueFile)), "c").Kpis);
        Assert.NotEmpty(MemberDirectory.Load(new MemoryStream(ReferenceData.Read(ReferenceData.MembersFile)), "m").Members);
    }

    // A region or an income group listed twice is refused, naming the entry.
    [Theory]
    [InlineData("regions", "regions[6]")]
    [InlineData("incomeGroups", "incomeGroups[4]")]
    public void LoadMembers_EntryListedTwice_Refused(string section, string entry)
    {
        var members = EmbeddedMembers();
        var list = members[section]!.AsArray();
        list.Add(list[0]!.DeepClone());

        var ex = LoadMembers(members);

        Assert.Contains(entry, ex.Message, StringComparison.Ordinal);
        Assert.Contains("once", ex.Message, StringComparison.Ordinal);
    }

    // '/', '#', '~', '?', '\' or a line feed in a region code would break the table keys and URLs it ends up in.
    [Theory]
    [InlineData("ESA/1")]
    [InlineData("ESA#")]
    [InlineData("ES~A")]
    [InlineData("ESA?")]
    [InlineData("ES\\A")]
    [InlineData("ESA\n")]
    [InlineData("E A")]
    public void LoadMembers_RegionCodeNotKeySafe_Refused(string code)
    {
        var members = EmbeddedMembers();
        var region = members["regions"]!.AsArray().Single(r => r!["code"]!.GetValue<string>() == "ESA")!;
        region["code"] = code;
        foreach (var member in members["members"]!.AsArray().Where(m => m!["region"]!.GetValue<string>() == "ESA"))
        {
            member!["region"] = code;
        }

        var ex = LoadMembers(members);

        Assert.Contains("regions[", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not allowed", ex.Message, StringComparison.Ordinal);
    }

    // A KPI code or a disclosure level with '/' or '#' is refused, naming its entry.
    [Theory]
    [InlineData("kpis", "kpis[0]", "TF/01")]
    [InlineData("kpis", "kpis[0]", "TF#01")]
    [InlineData("disclosureLevels", "disclosureLevels[0]", "pub/lic")]
    [InlineData("disclosureLevels", "disclosureLevels[0]", "pub#lic")]
    [InlineData("dataItems", "dataItems[0]", "DECL~TOTAL")]
    public void LoadCatalogue_CodeNotKeySafe_Refused(string section, string entry, string code)
    {
        var catalogue = EmbeddedCatalogue();
        var list = catalogue[section]!.AsArray();
        if (list[0] is JsonObject first)
        {
            first["code"] = code;
        }
        else
        {
            list[0] = code;
        }

        var ex = LoadCatalogue(catalogue);

        Assert.Contains(entry, ex.Message, StringComparison.Ordinal);
        Assert.Contains(code, ex.Message, StringComparison.Ordinal);
    }

    // A document with a version and nothing else is refused as a catalogue and as a Members set.
    [Fact]
    public void Load_VersionOnly_Refused()
    {
        var catalogue = LoadCatalogue(JsonNode.Parse("""{"version":"x"}""")!);
        var members = LoadMembers(JsonNode.Parse("""{"version":"x"}""")!);

        Assert.Contains("'disclosureLevels' is missing or empty", catalogue.Message, StringComparison.Ordinal);
        Assert.Contains("'members' is missing or empty", members.Message, StringComparison.Ordinal);
    }

    // Each section a cycle needs is required: levels, data items and KPIs in a catalogue.
    [Theory]
    [InlineData("disclosureLevels")]
    [InlineData("kpis")]
    public void LoadCatalogue_SectionEmpty_Refused(string section)
    {
        var catalogue = EmbeddedCatalogue();
        catalogue[section] = new JsonArray();
        if (section == "kpis")
        {
            catalogue["rules"] = new JsonArray();
        }

        var ex = LoadCatalogue(catalogue);

        Assert.Contains($"'{section}' is missing or empty", ex.Message, StringComparison.Ordinal);
    }

    // A catalogue without data items is refused (its KPIs then refer to unknown items, which is named first).
    [Fact]
    public void LoadCatalogue_NoItems_Refused()
    {
        var ex = LoadCatalogue(JsonNode.Parse("""{ "version": "x", "disclosureLevels": ["public"], "dataItems": [], "kpis": [] }""")!);

        Assert.Contains("'dataItems' is missing or empty", ex.Message, StringComparison.Ordinal);
    }

    // A Member code with a trailing line feed, or listed twice, is refused, naming the entry.
    [Theory]
    [InlineData("ARG\n", "members[0]", "ISO 3166-1")]
    [InlineData("dup", "members[1]", "once")]
    public void LoadMembers_MemberCodeBadOrRepeated_Refused(string code, string entry, string says)
    {
        var members = EmbeddedMembers();
        var list = members["members"]!.AsArray();
        if (code == "dup")
        {
            list[1]!["code"] = list[0]!["code"]!.GetValue<string>();
        }
        else
        {
            list[0]!["code"] = code;
        }

        var ex = LoadMembers(members);

        Assert.Contains(entry, ex.Message, StringComparison.Ordinal);
        Assert.Contains(says, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", ex.Message, StringComparison.Ordinal);
    }

    // Text that is not UTF-8, or an escape of half a character, in a reference document was a runtime exception when the
    // string was read (a 500 on PUT /api/members/{version}); it is refused pointing at the place, without parser text.
    [Theory]
    [InlineData("members", "line 1, byte 15 holds the byte 0xF8")]
    [InlineData("catalogue", "line 1, byte 15 holds the byte 0xF8")]
    [InlineData("members-surrogate", "line 1, byte 13 has an escape of half a character (\\ud800)")]
    [InlineData("catalogue-surrogate", "line 1, byte 13 has an escape of half a character (\\ud800)")]
    public void Load_TextNotUtf8OrLoneSurrogate_RefusedWithPlace(string kind, string says)
    {
        var bytes = kind.EndsWith("-surrogate", StringComparison.Ordinal)
            ? Encoding.ASCII.GetBytes("{\"version\": \"\\ud800x\"}")
            : [.. Encoding.ASCII.GetBytes("{\"version\": \"a"), 0xF8, .. Encoding.ASCII.GetBytes("\"}")];
        var ex = kind.StartsWith("members", StringComparison.Ordinal)
            ? Assert.Throws<CatalogueException>(() => MemberDirectory.Load(new MemoryStream(bytes), "m.json"))
            : Assert.Throws<CatalogueException>(() => KpiCatalogue.Load(new MemoryStream(bytes), "c.json"));
        Assert.Contains(says, ex.Message, StringComparison.Ordinal);
    }

    // A syntax error says where, in our words: the parser's message ("is an invalid start of a value", "LineNumber:") is not shown.
    [Fact]
    public void LoadMembers_NotJson_PlaceWithoutParserText()
    {
        var ex = Assert.Throws<CatalogueException>(() => MemberDirectory.Load(new MemoryStream(Encoding.ASCII.GetBytes("{\"version\": x}")), "m.json"));
        Assert.Contains("(line 1, byte 13)", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("invalid start", ex.Message, StringComparison.Ordinal);
    }
}
