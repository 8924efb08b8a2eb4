using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmm.Core.Catalogue;

/// <summary>What a Member reports: one data item, possibly asked for year T and T-1.</summary>
public sealed record DataItem(
    string Code,
    string Label,
    string ValueType,
    string Unit,
    decimal? Min,
    decimal? Max,
    bool Integer,
    bool Required,
    bool PreviousYear);

/// <summary>How a KPI is computed from data items.</summary>
public sealed record KpiFormula(
    string Kind,
    IReadOnlyList<string>? Numerator,
    IReadOnlyList<string>? Denominator,
    string? Item,
    decimal? Scale);

/// <summary>A key performance indicator, computed from a Member's data items.</summary>
public sealed record Kpi(
    string Code,
    string Name,
    string Dimension,
    KpiFormula Formula,
    string Unit,
    string Direction,
    string Provenance);

/// <summary>
/// A cross-item check, as data: <c>partOfTotal</c> (part ≤ total for year T) or <c>yearOnYear</c> (T and T-1
/// of an item differ by more than <see cref="MaxRatio"/> times). Its id is the finding's rule id.
/// </summary>
public sealed record CatalogueRule(string Id, string Kind, string Severity, string Message, string Hint, string? Part, string? Total, string? Item, decimal? MaxRatio);

/// <summary>The rule kinds the catalogue may use.</summary>
public static class CatalogueRuleKinds
{
    public const string PartOfTotal = "partOfTotal";
    public const string YearOnYear = "yearOnYear";
}

/// <summary>The KPI catalogue of a cycle: data items and the KPIs computed from them.</summary>
public sealed class KpiCatalogue
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    KpiCatalogue(string version, IReadOnlyList<DataItem> items, IReadOnlyList<Kpi> kpis, IReadOnlyList<CatalogueRule> rules)
    {
        Version = version;
        Items = items;
        Kpis = kpis;
        Rules = rules;
        ItemsByCode = items.ToDictionary(i => i.Code, StringComparer.OrdinalIgnoreCase);
    }

    public string Version { get; }

    public IReadOnlyList<DataItem> Items { get; }

    public IReadOnlyList<Kpi> Kpis { get; }

    public IReadOnlyList<CatalogueRule> Rules { get; }

    public IReadOnlyDictionary<string, DataItem> ItemsByCode { get; }

    /// <summary>The catalogue shipped with the application.</summary>
    public static KpiCatalogue LoadEmbedded() => Load(ReferenceData.Open("catalogue.json"), "catalogue.json");

    /// <summary>Reads and checks a catalogue; a bad catalogue throws <see cref="CatalogueException"/> naming the entry at fault.</summary>
    public static KpiCatalogue Load(Stream json, string source)
    {
        CatalogueDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize<CatalogueDocument>(json, Json);
        }
        catch (JsonException ex)
        {
            throw new CatalogueException($"{source}: not valid catalogue JSON at {ex.Path} (line {ex.LineNumber + 1}): {ex.Message}");
        }

        if (doc is null || string.IsNullOrWhiteSpace(doc.Version))
        {
            throw new CatalogueException($"{source}: the catalogue has no 'version'.");
        }

        var items = doc.DataItems ?? [];
        var kpis = doc.Kpis ?? [];
        var seenItems = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (string.IsNullOrWhiteSpace(item.Code) || !seenItems.Add(item.Code))
            {
                throw new CatalogueException($"{source}: dataItems[{i}] has an empty or duplicate code '{item.Code}'.");
            }

            if (item.Min is { } min && item.Max is { } max && min > max)
            {
                throw new CatalogueException($"{source}: data item '{item.Code}' has min {min} greater than max {max}.");
            }
        }

        var seenKpis = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var kpi in kpis)
        {
            if (string.IsNullOrWhiteSpace(kpi.Code) || !seenKpis.Add(kpi.Code))
            {
                throw new CatalogueException($"{source}: KPI with empty or duplicate code '{kpi.Code}'.");
            }

            if (kpi.Provenance is not ("sourced" or "illustrative"))
            {
                throw new CatalogueException($"{source}: KPI '{kpi.Code}' has provenance '{kpi.Provenance}'; expected 'sourced' or 'illustrative'.");
            }

            foreach (var reference in FormulaReferences(kpi))
            {
                if (!seenItems.Contains(reference))
                {
                    throw new CatalogueException($"{source}: KPI '{kpi.Code}' refers to unknown data item '{reference}'.");
                }
            }

            switch (kpi.Formula?.Kind)
            {
                case KpiFormulaKinds.Ratio when kpi.Formula.Numerator is { Count: > 0 } && kpi.Formula.Denominator is { Count: > 0 }:
                case KpiFormulaKinds.Value when kpi.Formula.Item is not null:
                    break;
                case KpiFormulaKinds.Variation when kpi.Formula.Item is not null:
                    if (!items.First(i => string.Equals(i.Code, kpi.Formula.Item, StringComparison.OrdinalIgnoreCase)).PreviousYear)
                    {
                        throw new CatalogueException($"{source}: KPI '{kpi.Code}' is a variation of '{kpi.Formula.Item}', which is not asked for year T-1 (set previousYear).");
                    }

                    break;
                default:
                    throw new CatalogueException($"{source}: KPI '{kpi.Code}' has an incomplete formula of kind '{kpi.Formula?.Kind}' (ratio needs numerator and denominator; value and variation need item).");
            }
        }

        var rules = doc.Rules ?? [];
        var seenRules = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            if (string.IsNullOrWhiteSpace(rule.Id) || !seenRules.Add(rule.Id))
            {
                throw new CatalogueException($"{source}: rule with empty or duplicate id '{rule.Id}'.");
            }

            if (rule.Severity is not ("error" or "warning") || string.IsNullOrWhiteSpace(rule.Message) || string.IsNullOrWhiteSpace(rule.Hint))
            {
                throw new CatalogueException($"{source}: rule '{rule.Id}' needs severity 'error' or 'warning', a message and a hint.");
            }

            var references = rule.Kind switch
            {
                CatalogueRuleKinds.PartOfTotal when rule.Part is not null && rule.Total is not null => [rule.Part, rule.Total],
                CatalogueRuleKinds.YearOnYear when rule.Item is not null && rule.MaxRatio > 1 => new[] { rule.Item },
                _ => throw new CatalogueException($"{source}: rule '{rule.Id}' of kind '{rule.Kind}' is incomplete (partOfTotal needs part and total; yearOnYear needs item and maxRatio > 1)."),
            };
            foreach (var reference in references)
            {
                if (!seenItems.Contains(reference))
                {
                    throw new CatalogueException($"{source}: rule '{rule.Id}' refers to unknown data item '{reference}'.");
                }
            }

            if (rule.Kind == CatalogueRuleKinds.YearOnYear && !items.First(i => string.Equals(i.Code, rule.Item, StringComparison.OrdinalIgnoreCase)).PreviousYear)
            {
                throw new CatalogueException($"{source}: rule '{rule.Id}' compares T and T-1 of '{rule.Item}', which is not asked for year T-1.");
            }
        }

        return new KpiCatalogue(doc.Version, items, kpis, rules);
    }

    static IEnumerable<string> FormulaReferences(Kpi kpi) =>
        (kpi.Formula?.Numerator ?? []).Concat(kpi.Formula?.Denominator ?? []).Concat(kpi.Formula?.Item is { } i ? [i] : []);

    sealed record CatalogueDocument(string Version, List<DataItem>? DataItems, List<Kpi>? Kpis, List<CatalogueRule>? Rules);
}

/// <summary>The formula kinds the catalogue may use.</summary>
public static class KpiFormulaKinds
{
    public const string Ratio = "ratio";
    public const string Variation = "variation";
    public const string Value = "value";
}

/// <summary>A catalogue or reference file that cannot be used; the message names the entry at fault.</summary>
public sealed class CatalogueException(string message) : Exception(message);
