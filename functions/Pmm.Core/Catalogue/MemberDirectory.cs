using System.Text.Json;
using Pmm.Core.Submissions;

namespace Pmm.Core.Catalogue;

/// <summary>
/// A WCO Member administration and its attributes for a cycle: World Bank income group (null when the World Bank
/// does not classify it), geography (landlocked) and type of administration (see <see cref="AdministrationTypes"/>).
/// </summary>
public sealed record Member(
    string Code,
    string Name,
    string Region,
    string? IncomeGroup = null,
    bool Landlocked = false,
    string AdministrationType = AdministrationTypes.Unknown);

/// <summary>A WCO region.</summary>
public sealed record Region(string Code, string Name);

/// <summary>How a Member's Customs is organised.</summary>
public static class AdministrationTypes
{
    /// <summary>A stand-alone Customs administration.</summary>
    public const string Customs = "customs";

    /// <summary>Customs is part of a revenue authority that also collects domestic taxes.</summary>
    public const string RevenueAuthority = "revenue-authority";

    /// <summary>Customs is part of an integrated border agency.</summary>
    public const string BorderAgency = "border-agency";

    /// <summary>Not verified.</summary>
    public const string Unknown = "unknown";

    public static IReadOnlyList<string> All { get; } = [Customs, RevenueAuthority, BorderAgency, Unknown];
}

/// <summary>Member reference data: who may report, and each Member's WCO region and attributes for the cycle.</summary>
public sealed class MemberDirectory
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    static readonly Lazy<MemberDirectory> EmbeddedDirectory = new(LoadEmbedded);

    MemberDirectory(string? version, IReadOnlyList<Region> regions, IReadOnlyList<string> incomeGroups, IReadOnlyList<Member> members, string? asOf)
    {
        Version = version;
        Regions = regions;
        IncomeGroups = incomeGroups;
        Members = members;
        AsOf = asOf;
        ByCode = members.ToDictionary(m => m.Code, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The version of this Members reference set (e.g. <c>2026.1</c>), which cycles pin. Sets stored by staff and the
    /// embedded one always have one; sets loaded from a file without <c>version</c> (tests) have none.
    /// </summary>
    public string? Version { get; }

    public IReadOnlyList<Region> Regions { get; }

    /// <summary>The income groups Members may have, in the file's order (World Bank: low to high).</summary>
    public IReadOnlyList<string> IncomeGroups { get; }

    public IReadOnlyList<Member> Members { get; }

    /// <summary>The month the attributes describe (e.g. <c>2026-11</c>), if the file says.</summary>
    public string? AsOf { get; }

    public IReadOnlyDictionary<string, Member> ByCode { get; }

    /// <summary>The Members reference set shipped with the application, loaded once: the default of cycles that do not name a version.</summary>
    public static MemberDirectory Embedded => EmbeddedDirectory.Value;

    /// <summary>Loads the Members reference set shipped with the application; it must have a version, as cycles pin it.</summary>
    public static MemberDirectory LoadEmbedded()
    {
        var members = Load(ReferenceData.Open(ReferenceData.MembersFile), ReferenceData.MembersFile);
        return members.Version is null
            ? throw new CatalogueException($"{ReferenceData.MembersFile}: the embedded Members reference set has no 'version'; cycles pin it by version.")
            : members;
    }

    /// <summary>Reads and checks Member reference data; a bad file throws <see cref="CatalogueException"/> naming the Member at fault.</summary>
    public static MemberDirectory Load(Stream json, string source)
    {
        var doc = ReferenceJson.Deserialize<Document>(json, Json, source, "member reference");

        if (doc is null)
        {
            throw new CatalogueException($"{source}: empty member reference file.");
        }

        KpiCatalogue.RequireEntries(doc.Regions, "regions", source);
        KpiCatalogue.RequireEntries(doc.IncomeGroups, "incomeGroups", source);
        KpiCatalogue.RequireEntries(doc.Members, "members", source);
        var regions = doc.Regions ?? [];
        var regionCodes = new HashSet<string>(StringComparer.Ordinal);
        var regionsIgnoringCase = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < regions.Count; i++)
        {
            KpiCatalogue.RequireKeySafe(regions[i].Code, $"regions[{i}]", source);
            if (!regionsIgnoringCase.Add(regions[i].Code))
            {
                throw new CatalogueException($"{source}: regions[{i}] repeats region '{regions[i].Code}'; list each region once.");
            }

            regionCodes.Add(regions[i].Code);
        }

        var incomeGroups = doc.IncomeGroups ?? [];
        var groupsIgnoringCase = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < incomeGroups.Count; i++)
        {
            KpiCatalogue.RequireKeySafe(incomeGroups[i], $"incomeGroups[{i}]", source);
            if (!groupsIgnoringCase.Add(incomeGroups[i]))
            {
                throw new CatalogueException($"{source}: incomeGroups[{i}] repeats income group '{incomeGroups[i]}'; list each income group once.");
            }
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var members = doc.Members ?? [];
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            if (!Identifiers.IsMemberCode(member.Code))
            {
                throw new CatalogueException($"{source}: members[{i}] has code '{UserText.Excerpt(member.Code)}'; a Member code is ISO 3166-1 alpha-3 in upper case (e.g. KEN), nothing before or after it.");
            }

            if (!seen.Add(member.Code))
            {
                throw new CatalogueException($"{source}: members[{i}] repeats Member '{member.Code}'; list each Member once.");
            }

            if (!regionCodes.Contains(member.Region))
            {
                throw new CatalogueException($"{source}: member '{member.Code}' names unknown region '{UserText.Excerpt(member.Region)}'.");
            }

            if (member.IncomeGroup is not null && !incomeGroups.Contains(member.IncomeGroup, StringComparer.Ordinal))
            {
                throw new CatalogueException($"{source}: member '{member.Code}' has unknown income group '{UserText.Excerpt(member.IncomeGroup)}' (expected one of {string.Join(", ", incomeGroups)}, or null when not classified).");
            }

            if (!AdministrationTypes.All.Contains(member.AdministrationType, StringComparer.Ordinal))
            {
                throw new CatalogueException($"{source}: member '{member.Code}' has administration type '{member.AdministrationType}'; expected one of {string.Join(", ", AdministrationTypes.All)}.");
            }
        }

        if (doc.Version is not null && string.IsNullOrWhiteSpace(doc.Version))
        {
            throw new CatalogueException($"{source}: 'version' is empty; give the set a version such as '2026.1', or leave the field out.");
        }

        // A set without Members opens a cycle nobody can report to, and computes no benchmarks.
        KpiCatalogue.RequireSection(members.Count, "members", "at least one Member, each with its region", source);
        return new MemberDirectory(doc.Version, regions, incomeGroups, members, doc.AsOf);
    }

    sealed record Document(List<Region>? Regions, List<Member>? Members, List<string>? IncomeGroups = null, string? AsOf = null, string? Version = null);
}
