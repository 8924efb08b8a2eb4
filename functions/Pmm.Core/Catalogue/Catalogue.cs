using System.Text.Json;
using System.Text.Json.Serialization;
using Pmm.Core.Submissions;

namespace Pmm.Core.Catalogue;

/// <summary>
/// What a Member reports: one data item, possibly asked for year T and T-1. <see cref="NotApplicable"/> says whether a
/// Member may declare the item "not applicable" (with a reason) instead of giving a value.
/// </summary>
public sealed record DataItem(
    string Code,
    string Label,
    string ValueType,
    string Unit,
    decimal? Min,
    decimal? Max,
    bool Integer,
    bool Required,
    bool PreviousYear,
    bool NotApplicable = true);

/// <summary>How a KPI is computed from data items.</summary>
public sealed record KpiFormula(
    string Kind,
    IReadOnlyList<string>? Numerator,
    IReadOnlyList<string>? Denominator,
    string? Item,
    decimal? Scale);

/// <summary>
/// A key performance indicator, computed from a Member's data items. Once loaded, <see cref="Dimension"/> is the
/// name of the dimension of the KPI's <see cref="Outcome"/> (catalogues without outcomes keep the text they give),
/// and <see cref="Disclosure"/> is the KPI's default disclosure level (the most restrictive level when the file
/// gives none; null only in catalogues without disclosure levels).
/// </summary>
public sealed record Kpi(
    string Code,
    string Name,
    string Dimension,
    KpiFormula Formula,
    string Unit,
    string Direction,
    string Provenance,
    string? Outcome = null,
    string? Disclosure = null,
    string Benchmark = KpiBenchmarkKinds.MeanMedian);

/// <summary>One of the PMM's dimensions of Customs performance (e.g. Revenue Collection).</summary>
public sealed record Dimension(string Code, string Name);

/// <summary>An expected outcome within a dimension; every KPI measures one outcome. <see cref="Dimension"/> is a dimension code.</summary>
public sealed record Outcome(string Code, string Name, string Dimension);

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

    KpiCatalogue(
        string version,
        IReadOnlyList<Dimension> dimensions,
        IReadOnlyList<Outcome> outcomes,
        IReadOnlyList<string> disclosureLevels,
        IReadOnlyList<DataItem> items,
        IReadOnlyList<Kpi> kpis,
        IReadOnlyList<CatalogueRule> rules)
    {
        Version = version;
        Dimensions = dimensions;
        Outcomes = outcomes;
        DisclosureLevels = disclosureLevels;
        Items = items;
        Kpis = kpis;
        Rules = rules;
        ItemsByCode = items.ToDictionary(i => i.Code, StringComparer.OrdinalIgnoreCase);
        KpisByCode = kpis.ToDictionary(k => k.Code, StringComparer.OrdinalIgnoreCase);
        kpisByItem = items.ToDictionary(
            i => i.Code,
            i => (IReadOnlyList<Kpi>)[.. kpis.Where(k => FormulaReferences(k).Contains(i.Code, StringComparer.OrdinalIgnoreCase))],
            StringComparer.OrdinalIgnoreCase);
    }

    readonly Dictionary<string, IReadOnlyList<Kpi>> kpisByItem;

    public string Version { get; }

    /// <summary>The dimensions of Customs performance, in catalogue order.</summary>
    public IReadOnlyList<Dimension> Dimensions { get; }

    /// <summary>The expected outcomes, each in one of <see cref="Dimensions"/>.</summary>
    public IReadOnlyList<Outcome> Outcomes { get; }

    /// <summary>The disclosure levels a Member may choose for a KPI, most open first (e.g. public, wco, restricted).</summary>
    public IReadOnlyList<string> DisclosureLevels { get; }

    public IReadOnlyList<DataItem> Items { get; }

    public IReadOnlyList<Kpi> Kpis { get; }

    public IReadOnlyList<CatalogueRule> Rules { get; }

    public IReadOnlyDictionary<string, DataItem> ItemsByCode { get; }

    /// <summary>The KPIs by code, in any case.</summary>
    public IReadOnlyDictionary<string, Kpi> KpisByCode { get; }

    /// <summary>The KPIs whose formula uses a data item (none for an unknown item).</summary>
    public IReadOnlyList<Kpi> KpisUsing(string itemCode) => kpisByItem.TryGetValue(itemCode, out var kpis) ? kpis : [];

    /// <summary>The position of a disclosure level in <see cref="DisclosureLevels"/>, in any case; -1 when it is not one.</summary>
    public int IndexOfDisclosureLevel(string? level)
    {
        for (var i = 0; level is not null && i < DisclosureLevels.Count; i++)
        {
            if (string.Equals(DisclosureLevels[i], level.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    static readonly Lazy<KpiCatalogue> EmbeddedCatalogue = new(LoadEmbedded);

    /// <summary>
    /// The catalogue shipped with the application, loaded once: the default of cycles that do not name a version.
    /// Catalogues are immutable, so one instance serves everyone.
    /// </summary>
    public static KpiCatalogue Embedded => EmbeddedCatalogue.Value;

    /// <summary>Loads the catalogue shipped with the application.</summary>
    public static KpiCatalogue LoadEmbedded() => Load(ReferenceData.Open(ReferenceData.CatalogueFile), ReferenceData.CatalogueFile);

    /// <summary>Reads and checks a catalogue; a bad catalogue throws <see cref="CatalogueException"/> naming the entry at fault.</summary>
    public static KpiCatalogue Load(Stream json, string source)
    {
        var doc = ReferenceJson.Deserialize<CatalogueDocument>(json, Json, source, "catalogue");

        if (doc is null || string.IsNullOrWhiteSpace(doc.Version))
        {
            throw new CatalogueException($"{source}: the catalogue has no 'version'.");
        }

        RequireEntries(doc.Dimensions, "dimensions", source);
        RequireEntries(doc.Outcomes, "outcomes", source);
        RequireEntries(doc.DataItems, "dataItems", source);
        RequireEntries(doc.Kpis, "kpis", source);
        RequireEntries(doc.Rules, "rules", source);
        foreach (var kpi in doc.Kpis ?? [])
        {
            RequireEntries(kpi.Formula?.Numerator, $"KPI '{kpi.Code}' formula.numerator", source);
            RequireEntries(kpi.Formula?.Denominator, $"KPI '{kpi.Code}' formula.denominator", source);
        }

        var items = doc.DataItems ?? [];
        var kpis = doc.Kpis ?? [];
        var dimensions = LoadDimensions(doc.Dimensions ?? [], source);
        var outcomes = LoadOutcomes(doc.Outcomes ?? [], dimensions, source);
        var levels = LoadDisclosureLevels(doc.DisclosureLevels ?? [], source);
        var seenItems = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (string.IsNullOrWhiteSpace(item.Code) || !seenItems.Add(item.Code))
            {
                throw new CatalogueException($"{source}: dataItems[{i}] has an empty or duplicate code '{UserText.Excerpt(item.Code)}'.");
            }

            RequireKeySafe(item.Code, $"dataItems[{i}]", source);

            if (item.Min is { } min && item.Max is { } max && min > max)
            {
                throw new CatalogueException($"{source}: data item '{item.Code}' has min {min} greater than max {max}.");
            }
        }

        var seenKpis = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var k = 0; k < kpis.Count; k++)
        {
            var kpi = kpis[k];
            if (string.IsNullOrWhiteSpace(kpi.Code) || !seenKpis.Add(kpi.Code))
            {
                throw new CatalogueException($"{source}: KPI with empty or duplicate code '{UserText.Excerpt(kpi.Code)}'.");
            }

            RequireKeySafe(kpi.Code, $"kpis[{k}]", source);

            if (kpi.Provenance is not ("sourced" or "illustrative"))
            {
                throw new CatalogueException($"{source}: KPI '{kpi.Code}' has provenance '{kpi.Provenance}'; expected 'sourced' or 'illustrative'.");
            }

            if (kpi.Benchmark is not KpiBenchmarkKinds.MeanMedian)
            {
                throw new CatalogueException($"{source}: KPI '{kpi.Code}' has benchmark '{kpi.Benchmark}'; expected '{KpiBenchmarkKinds.MeanMedian}'.");
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

        // What a cycle needs: without levels no KPI has a disclosure, without items and KPIs nothing can be reported.
        RequireSection(levels.Count, "disclosureLevels", "the disclosure levels Members choose from, most open first (e.g. [\"public\", \"wco\", \"restricted\"])", source);
        RequireSection(items.Count, "dataItems", "the data items Members report", source);
        RequireSection(kpis.Count, "kpis", "the KPIs computed from the data items", source);
        var resolved = kpis.Select(k => Resolve(k, dimensions, outcomes, levels, source)).ToList();
        return new KpiCatalogue(doc.Version, doc.Dimensions ?? [], [.. (doc.Outcomes ?? []).Select(o => outcomes[o.Code])], levels, items, resolved, rules);
    }

    /// <summary>
    /// A code that becomes part of table keys, blob names and URLs must be key-safe (<see cref="Identifiers.IsReferenceCode"/>);
    /// <paramref name="entry"/> names where it is (e.g. <c>kpis[3]</c>).
    /// </summary>
    internal static void RequireKeySafe(string code, string entry, string source)
    {
        if (!Identifiers.IsReferenceCode(code))
        {
            throw new CatalogueException($"{source}: {entry} has code '{UserText.Excerpt(code)}', which is not allowed: a code is 1-64 letters, digits, dots, hyphens or underscores, starting with a letter or digit (codes become storage keys and URL segments, so '/', '#', '?', '\\', '~', spaces and control characters are refused).");
        }
    }

    /// <summary>A section a cycle cannot do without must have at least one entry.</summary>
    internal static void RequireSection(int count, string name, string what, string source)
    {
        if (count == 0)
        {
            throw new CatalogueException($"{source}: '{name}' is missing or empty; a cycle needs {what}.");
        }
    }

    /// <summary>A JSON <c>null</c> among a list's entries is named, instead of failing later without a message.</summary>
    internal static void RequireEntries(IEnumerable<object?>? entries, string name, string source)
    {
        var i = 0;
        foreach (var entry in entries ?? [])
        {
            if (entry is null)
            {
                throw new CatalogueException($"{source}: {name}[{i}] is null; give the entry or remove it.");
            }

            i++;
        }
    }

    static Dictionary<string, Dimension> LoadDimensions(List<Dimension> dimensions, string source)
    {
        var byCode = new Dictionary<string, Dimension>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < dimensions.Count; i++)
        {
            var dimension = dimensions[i];
            if (string.IsNullOrWhiteSpace(dimension.Code) || string.IsNullOrWhiteSpace(dimension.Name) || !byCode.TryAdd(dimension.Code, dimension))
            {
                throw new CatalogueException($"{source}: dimensions[{i}] has an empty name or an empty or duplicate code '{UserText.Excerpt(dimension.Code)}'.");
            }

            RequireKeySafe(dimension.Code, $"dimensions[{i}]", source);
        }

        return byCode;
    }

    static Dictionary<string, Outcome> LoadOutcomes(List<Outcome> outcomes, Dictionary<string, Dimension> dimensions, string source)
    {
        var byCode = new Dictionary<string, Outcome>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < outcomes.Count; i++)
        {
            var outcome = outcomes[i];
            if (string.IsNullOrWhiteSpace(outcome.Code) || string.IsNullOrWhiteSpace(outcome.Name) || byCode.ContainsKey(outcome.Code))
            {
                throw new CatalogueException($"{source}: outcomes[{i}] has an empty name or an empty or duplicate code '{UserText.Excerpt(outcome.Code)}'.");
            }

            RequireKeySafe(outcome.Code, $"outcomes[{i}]", source);

            if (outcome.Dimension is null || !dimensions.TryGetValue(outcome.Dimension, out var dimension))
            {
                throw new CatalogueException($"{source}: outcome '{outcome.Code}' names unknown dimension '{outcome.Dimension}' (known: {string.Join(", ", dimensions.Keys)}).");
            }

            byCode[outcome.Code] = outcome with { Dimension = dimension.Code };
        }

        return byCode;
    }

    static List<string> LoadDisclosureLevels(List<string> levels, string source)
    {
        // Members choose levels in any case, so "Public" and "public" would be one level.
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < levels.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(levels[i]) || !seen.Add(levels[i]))
            {
                throw new CatalogueException($"{source}: disclosureLevels[{i}] is empty or repeats '{UserText.Excerpt(levels[i])}'.");
            }

            RequireKeySafe(levels[i], $"disclosureLevels[{i}]", source);
        }

        return levels;
    }

    /// <summary>A KPI with its outcome checked, its dimension taken from the outcome and its default disclosure level set.</summary>
    static Kpi Resolve(Kpi kpi, Dictionary<string, Dimension> dimensions, Dictionary<string, Outcome> outcomes, List<string> levels, string source)
    {
        var dimension = kpi.Dimension ?? "";
        string? outcomeCode = null;
        if (kpi.Outcome is null)
        {
            if (outcomes.Count > 0)
            {
                throw new CatalogueException($"{source}: KPI '{kpi.Code}' has no 'outcome'; the catalogue defines outcomes, and every KPI must name one.");
            }
        }
        else
        {
            if (!outcomes.TryGetValue(kpi.Outcome, out var outcome))
            {
                throw new CatalogueException($"{source}: KPI '{kpi.Code}' names unknown outcome '{kpi.Outcome}'.");
            }

            var name = dimensions[outcome.Dimension].Name;
            if (kpi.Dimension is not null && kpi.Dimension != name && kpi.Dimension != outcome.Dimension)
            {
                throw new CatalogueException($"{source}: KPI '{kpi.Code}' gives dimension '{kpi.Dimension}', but its outcome '{outcome.Code}' is in '{name}'; leave 'dimension' out, it follows from the outcome.");
            }

            outcomeCode = outcome.Code;
            dimension = name;
        }

        if (kpi.Disclosure is not null && !levels.Contains(kpi.Disclosure, StringComparer.Ordinal))
        {
            throw new CatalogueException($"{source}: KPI '{kpi.Code}' has disclosure '{kpi.Disclosure}', which is not one of disclosureLevels ({string.Join(", ", levels)}).");
        }

        return kpi with { Dimension = dimension, Outcome = outcomeCode, Disclosure = kpi.Disclosure ?? levels.LastOrDefault() };
    }

    static IEnumerable<string> FormulaReferences(Kpi kpi) =>
        (kpi.Formula?.Numerator ?? []).Concat(kpi.Formula?.Denominator ?? []).Concat(kpi.Formula?.Item is { } i ? [i] : []);

    sealed record CatalogueDocument(
        string Version,
        List<DataItem>? DataItems,
        List<Kpi>? Kpis,
        List<CatalogueRule>? Rules,
        List<Dimension>? Dimensions = null,
        List<Outcome>? Outcomes = null,
        List<string>? DisclosureLevels = null);
}

/// <summary>How a KPI is benchmarked across Members.</summary>
public static class KpiBenchmarkKinds
{
    /// <summary>Mean and median with the number of respondents, globally and per group.</summary>
    public const string MeanMedian = "mean-median";
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
