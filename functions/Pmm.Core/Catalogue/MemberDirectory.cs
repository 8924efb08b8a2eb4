using System.Text.Json;

namespace Pmm.Core.Catalogue;

/// <summary>A WCO Member administration and its attributes for a cycle.</summary>
public sealed record Member(string Code, string Name, string Region);

/// <summary>A WCO region.</summary>
public sealed record Region(string Code, string Name);

/// <summary>Member reference data: who may report and which WCO region each Member belongs to.</summary>
public sealed class MemberDirectory
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    MemberDirectory(IReadOnlyList<Region> regions, IReadOnlyList<Member> members)
    {
        Regions = regions;
        Members = members;
        ByCode = members.ToDictionary(m => m.Code, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<Region> Regions { get; }

    public IReadOnlyList<Member> Members { get; }

    public IReadOnlyDictionary<string, Member> ByCode { get; }

    public static MemberDirectory LoadEmbedded() => Load(ReferenceData.Open("members.json"), "members.json");

    public static MemberDirectory Load(Stream json, string source)
    {
        var doc = JsonSerializer.Deserialize<Document>(json, Json)
            ?? throw new CatalogueException($"{source}: empty member reference file.");
        var regions = doc.Regions ?? [];
        var regionCodes = regions.Select(r => r.Code).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var member in doc.Members ?? [])
        {
            if (!Identifiers.IsMemberCode(member.Code) || !seen.Add(member.Code))
            {
                throw new CatalogueException($"{source}: member '{member.Code}' has an invalid or duplicate code (expected ISO 3166-1 alpha-3).");
            }

            if (!regionCodes.Contains(member.Region))
            {
                throw new CatalogueException($"{source}: member '{member.Code}' names unknown region '{member.Region}'.");
            }
        }

        return new MemberDirectory(regions, doc.Members ?? []);
    }

    sealed record Document(List<Region>? Regions, List<Member>? Members);
}
