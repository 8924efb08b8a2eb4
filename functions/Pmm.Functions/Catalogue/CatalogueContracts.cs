using Pmm.Core.Catalogue;

namespace Pmm.Functions.Catalogue;

/// <summary>A catalogue with the Members reference set used with it: what NCPs fill in and dashboards label KPIs with.</summary>
public sealed record ReferenceDataView(
    string? CycleId,
    string Version,
    string? MembersVersion,
    IReadOnlyList<Dimension> Dimensions,
    IReadOnlyList<Outcome> Outcomes,
    IReadOnlyList<string> DisclosureLevels,
    IReadOnlyList<DataItem> Items,
    IReadOnlyList<Kpi> Kpis,
    IReadOnlyList<CatalogueRule> Rules,
    IReadOnlyList<Region> Regions,
    IReadOnlyList<string> IncomeGroups,
    IReadOnlyList<Member> Members)
{
    public static ReferenceDataView From(KpiCatalogue catalogue, MemberDirectory members, string? cycleId = null) => new(
        cycleId,
        catalogue.Version,
        members.Version,
        catalogue.Dimensions,
        catalogue.Outcomes,
        catalogue.DisclosureLevels,
        catalogue.Items,
        catalogue.Kpis,
        catalogue.Rules,
        members.Regions,
        members.IncomeGroups,
        members.Members);
}

/// <summary>One published version of a catalogue or Members reference set.</summary>
/// <param name="IsDefault">The embedded version, which cycles opened without naming a version use.</param>
/// <param name="PublishedAt">When it was stored (the embedded version is stored at the app's first start).</param>
/// <param name="Url">Where its document is.</param>
public sealed record ReferenceVersionView(string Version, bool IsDefault, DateTimeOffset? PublishedAt, string Url);
